package dev.graft.dsl.data;

import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A PNG decoder for the files image folders hold: 8-bit grey, grey + alpha, RGB and RGBA, and
 * palette images of any bit depth, not interlaced. It writes floats straight into the output array,
 * one row at a time, with the values {@code javax.imageio} gives ({@link Images}'s conversions: a
 * palette colour becomes grey as {@code round(0.299 r + 0.587 g + 0.114 b)}). Anything else
 * (16-bit, interlaced, low-bit grey, a tRNS colour key, an unknown critical chunk, an index past
 * the palette) is left to ImageIO: {@link #decode} returns null. Chunk CRCs are checked.
 *
 * <p>Why not ImageIO everywhere: for the small images a CNN trains on, ImageIO's reader lookup,
 * {@code BufferedImage} and per-pixel conversion cost more CPU than the training step they feed.
 */
final class Png {
  private static final int IHDR = 0x49484452;
  private static final int PLTE = 0x504c5445;
  private static final int IDAT = 0x49444154;
  private static final int IEND = 0x49454e44;
  private static final int TRNS = 0x74524e53;
  private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  // the last chunk of every PNG: length 0, "IEND", its CRC
  private static final byte[] IEND_CHUNK = {
    0, 0, 0, 0, 'I', 'E', 'N', 'D', (byte) 0xae, 0x42, 0x60, (byte) 0x82
  };
  // Reused per thread: creating an Inflater allocates zlib's native state, which costs as much as
  // inflating a small image.
  private static final ThreadLocal<Inflater> INFLATER = ThreadLocal.withInitial(Inflater::new);

  /** An image decoded to HWC floats. */
  record Decoded(int height, int width, float[] pixels) {}

  private Png() {}

  /** True if {@code data} starts with the PNG signature. */
  static boolean isPng(byte[] data) {
    return isPng(data, data.length);
  }

  /** True if the first {@code length} bytes of {@code data} start with the PNG signature. */
  static boolean isPng(byte[] data, int length) {
    if (length < SIGNATURE.length) {
      return false;
    }
    for (int i = 0; i < SIGNATURE.length; i++) {
      if (data[i] != SIGNATURE[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * Decodes the PNG {@code data} (read from {@code file}, named in errors) into {@code channels}
   * channels (1 grey, 3 RGB, 4 RGBA); null when the file is a kind this decoder leaves to ImageIO.
   *
   * @throws DataException if the file is malformed: truncated, a bad CRC, bad compressed data or an
   *     unknown filter
   */
  static Decoded decode(byte[] data, Path file, int channels) {
    Image image = parse(data, data.length, file);
    if (image == null) {
      return null;
    }
    float[] out = new float[image.height() * image.width() * channels];
    return image.decode(channels, out, 0, new Images.Buffers())
        ? new Decoded(image.height(), image.width(), out)
        : null;
  }

  /**
   * Reads the chunks of the PNG in the first {@code length} bytes of {@code data} (read from {@code
   * file}, named in errors), checking their CRCs; null when the file is a kind this decoder leaves
   * to ImageIO. The pixels are decoded by {@link Image#decode}.
   *
   * @throws DataException if the file is malformed: truncated, a bad CRC, no image data
   */
  static Image parse(byte[] data, int length, Path file) {
    Reader in = new Reader(data, length, file);
    int width = 0;
    int height = 0;
    int depth = 0;
    int colorType = -1;
    byte[] palette = null; // RGBA per entry, padded as ImageIO pads it
    int paletteSize = 0;
    byte[] alpha = null;
    int firstIdat = -1;
    int chunk = SIGNATURE.length;
    while (true) {
      int chunkLength = in.int32(chunk, "a chunk length");
      int type = in.int32(chunk + 4, "a chunk type");
      int body = chunk + 8;
      if (chunkLength < 0 || body + (long) chunkLength + 4 > length) {
        throw in.error("chunk " + name(type) + " runs past the end of the file (truncated?)");
      }
      in.checkCrc(chunk + 4, chunkLength + 4, type);
      if (chunk == SIGNATURE.length && type != IHDR) {
        throw in.error("the first chunk is " + name(type) + ", not IHDR");
      }
      if (type == IHDR) {
        if (chunkLength != 13) {
          throw in.error("IHDR has " + chunkLength + " bytes, not 13");
        }
        width = in.int32(body, "IHDR");
        height = in.int32(body + 4, "IHDR");
        depth = data[body + 8];
        colorType = data[body + 9];
        if (width <= 0 || height <= 0 || (long) width * height * 5 > Integer.MAX_VALUE - 8) {
          throw in.error("the image is " + width + " x " + height + " pixels: too large or empty");
        }
        if (data[body + 10] != 0 || data[body + 11] != 0) {
          throw in.error("unknown compression or filter method");
        }
        boolean bytes =
            depth == 8 && (colorType == 0 || colorType == 2 || colorType == 4 || colorType == 6);
        boolean indexed = colorType == 3 && (depth == 1 || depth == 2 || depth == 4 || depth == 8);
        if (data[body + 12] != 0 || !(bytes || indexed)) {
          return null;
        }
      } else if (type == PLTE && colorType == 3) { // elsewhere only a suggestion, unused
        paletteSize = chunkLength / 3;
        if (paletteSize == 0) {
          throw in.error("an empty PLTE chunk");
        }
        paletteSize = Math.min(paletteSize, 1 << depth);
        palette = new byte[4 * paletteSize];
        for (int i = 0; i < paletteSize; i++) {
          palette[4 * i] = data[body + 3 * i];
          palette[4 * i + 1] = data[body + 3 * i + 1];
          palette[4 * i + 2] = data[body + 3 * i + 2];
          palette[4 * i + 3] = (byte) 255;
        }
      } else if (type == TRNS) {
        if (colorType != 3) {
          return null; // a colour key: ImageIO adds an alpha channel
        }
        alpha = new byte[Math.min(chunkLength, paletteSize)];
        System.arraycopy(data, body, alpha, 0, alpha.length);
      } else if (type == IDAT) {
        if (firstIdat < 0) {
          firstIdat = chunk;
        }
      } else if (type == IEND) {
        break;
      } else if ((type & 0x20000000) == 0) {
        return null; // an unknown critical chunk
      }
      chunk = body + chunkLength + 4;
    }
    if (firstIdat < 0) {
      throw in.error("no IDAT chunk");
    }
    if (colorType == 3) {
      if (palette == null || paletteSize == 0) {
        throw in.error("a palette image without a PLTE chunk");
      }
      if (alpha != null) {
        for (int i = 0; i < alpha.length; i++) {
          palette[4 * i + 3] = alpha[i];
        }
      }
    }
    return new Image(in, height, width, depth, colorType, palette, firstIdat);
  }

  /**
   * True if the first {@code length} bytes of {@code data} end with a PNG's IEND chunk: the image
   * is whole, and anything after it is ignored by every decoder.
   */
  static boolean endsWithIend(byte[] data, int length) {
    int at = length - IEND_CHUNK.length;
    if (at < SIGNATURE.length) {
      return false;
    }
    for (int i = 0; i < IEND_CHUNK.length; i++) {
      if (data[at + i] != IEND_CHUNK[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * A parsed PNG, ready to decode: its size, pixel format (with the palette as RGBA per entry, or
   * null) and where its image data starts.
   */
  record Image(
      Reader in, int height, int width, int depth, int colorType, byte[] palette, int firstIdat) {
    /**
     * Decodes the pixels as floats into {@code out} from {@code offset} ({@code height * width *
     * channels} values, HWC), inflating into {@code buffers}' scratch space; false (with {@code
     * out} partly written) if a pixel's palette index is past the palette, which ImageIO must
     * decode.
     *
     * @throws DataException if the image data is truncated, badly compressed or has an unknown
     *     filter
     */
    boolean decode(int channels, float[] out, int offset, Images.Buffers buffers) {
      return new Rows(this, channels, out, offset).run(buffers);
    }
  }

  /** The chunk type as its four letters. */
  private static String name(int type) {
    char[] c = new char[4];
    for (int i = 0; i < 4; i++) {
      int b = (type >>> (24 - 8 * i)) & 0xff;
      c[i] = b >= 32 && b < 127 ? (char) b : '?';
    }
    return new String(c);
  }

  /** Reads big-endian fields of the file's first {@code length} bytes; its errors name the file. */
  record Reader(byte[] data, int length, Path file) {
    int int32(int at, String what) {
      if (at < 0 || at + 4 > length) {
        throw error("the file ends inside " + what + " (truncated?)");
      }
      return (data[at] & 0xff) << 24
          | (data[at + 1] & 0xff) << 16
          | (data[at + 2] & 0xff) << 8
          | (data[at + 3] & 0xff);
    }

    void checkCrc(int from, int count, int type) {
      CRC32 crc = new CRC32();
      crc.update(data, from, count);
      int stored = int32(from + count, "the CRC of " + name(type));
      if ((int) crc.getValue() != stored) {
        throw error(
            "chunk "
                + name(type)
                + " at byte "
                + (from - 4)
                + " has a bad CRC (stored "
                + Integer.toHexString(stored)
                + ", computed "
                + Long.toHexString(crc.getValue())
                + "): the file is damaged");
      }
    }

    DataException error(String what) {
      return new DataException("image " + file + " cannot be decoded: " + what);
    }
  }

  /** Inflates the image data, then unfilters and converts it row by row. */
  private static final class Rows {
    private final Reader in;
    private final Inflater inflater;
    private final int width;
    private final int height;
    private final int depth;
    private final int bands;
    private final byte[] palette;
    private final int channels;
    private final float[] out;
    private final int offset;
    private final int rowBytes;
    private final int bpp;
    private int nextChunk;

    Rows(Image image, int channels, float[] out, int offset) {
      this.in = image.in();
      this.inflater = INFLATER.get();
      this.width = image.width();
      this.height = image.height();
      this.depth = image.depth();
      this.bands =
          switch (image.colorType()) {
            case 0, 3 -> 1;
            case 4 -> 2;
            case 2 -> 3;
            default -> 4;
          };
      this.palette = image.palette();
      this.channels = channels;
      this.out = out;
      this.offset = offset;
      this.rowBytes = (int) (((long) width * bands * depth + 7) / 8);
      this.bpp = Math.max(1, bands * depth / 8);
      this.nextChunk = image.firstIdat();
    }

    /** Decodes every row; false if a pixel's palette index is past the palette. */
    boolean run(Images.Buffers buffers) {
      int stride = rowBytes + 1;
      int size = height * stride;
      // inflated in one call rather than row by row: each call crosses into native zlib
      byte[] raw = buffers.raw(size);
      inflater.reset();
      try {
        inflateAll(raw, size, stride);
      } catch (DataFormatException e) {
        throw in.error("bad compressed data: " + e.getMessage());
      } finally {
        inflater.reset();
      }
      for (int y = 0; y < height; y++) {
        unfilter(raw, y * stride, y);
        if (!convert(raw, y * stride + 1, offset + y * width * channels)) {
          return false;
        }
      }
      return true;
    }

    /**
     * Fills the first {@code size} bytes of {@code raw} (each row: its filter byte, then its
     * bytes), feeding IDAT chunks.
     */
    private void inflateAll(byte[] raw, int size, int stride) throws DataFormatException {
      int n = 0;
      while (n < size) {
        int got = inflater.inflate(raw, n, size - n);
        n += got;
        if (got == 0 && (inflater.finished() || inflater.needsDictionary() || !feed())) {
          throw in.error("the image data ends at row " + n / stride + " (truncated?)");
        }
      }
    }

    /** Gives the inflater the next IDAT chunk's data; false if there is none. */
    private boolean feed() {
      byte[] data = in.data();
      while (nextChunk + 8 <= in.length()) {
        int length = in.int32(nextChunk, "a chunk length");
        int type = in.int32(nextChunk + 4, "a chunk type");
        int body = nextChunk + 8;
        nextChunk = body + length + 4;
        if (type == IDAT) {
          inflater.setInput(data, body, length);
          return true;
        }
        if (type == IEND) {
          return false;
        }
      }
      return false;
    }

    /**
     * Undoes the filter of row {@code y}, which starts (with its filter byte) at {@code at}, in
     * place; the row above is already unfiltered (PNG filters none, sub, up, average, Paeth).
     */
    private void unfilter(byte[] raw, int at, int y) {
      int from = at + 1;
      int end = from + rowBytes;
      int up = rowBytes + 1; // the distance to the same byte in the row above
      switch (raw[at]) {
        case 0 -> {}
        case 1 -> {
          for (int i = from + bpp; i < end; i++) {
            raw[i] += raw[i - bpp];
          }
        }
        case 2 -> {
          if (y > 0) {
            for (int i = from; i < end; i++) {
              raw[i] += raw[i - up];
            }
          }
        }
        case 3 -> {
          for (int i = from; i < end; i++) {
            int left = i - from >= bpp ? raw[i - bpp] & 0xff : 0;
            int above = y > 0 ? raw[i - up] & 0xff : 0;
            raw[i] += (byte) ((left + above) >>> 1);
          }
        }
        case 4 -> {
          for (int i = from; i < end; i++) {
            boolean hasLeft = i - from >= bpp;
            int a = hasLeft ? raw[i - bpp] & 0xff : 0;
            int b = y > 0 ? raw[i - up] & 0xff : 0;
            int c = hasLeft && y > 0 ? raw[i - up - bpp] & 0xff : 0;
            int p = a + b - c;
            int pa = Math.abs(p - a);
            int pb = Math.abs(p - b);
            int pc = Math.abs(p - c);
            raw[i] += (byte) (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
          }
        }
        default -> throw in.error("row " + y + " has the unknown filter type " + raw[at]);
      }
    }

    /**
     * Writes the pixels of the row whose bytes start at {@code at} as floats at {@code o}; false if
     * an index is past the palette.
     */
    private boolean convert(byte[] row, int at, int o) {
      if (palette != null) {
        int perByte = 8 / depth;
        int mask = (1 << depth) - 1;
        for (int x = 0; x < width; x++) {
          int index =
              depth == 8
                  ? row[at + x] & 0xff
                  : (row[at + x / perByte] >>> (8 - depth * (1 + x % perByte))) & mask;
          int p = 4 * index;
          if (p >= palette.length) {
            return false;
          }
          o =
              put(
                  palette[p] & 0xff,
                  palette[p + 1] & 0xff,
                  palette[p + 2] & 0xff,
                  palette[p + 3] & 0xff,
                  true,
                  o);
        }
        return true;
      }
      if (bands == channels) {
        // stored as asked (grey, RGB or RGBA): the bytes are the values
        for (int i = 0, n = width * bands; i < n; i++) {
          out[o + i] = row[at + i] & 0xff;
        }
        return true;
      }
      boolean colour = bands >= 3;
      boolean hasAlpha = bands == 2 || bands == 4;
      for (int x = 0, s = at; x < width; x++, s += bands) {
        int r = row[s] & 0xff;
        int g = colour ? row[s + 1] & 0xff : r;
        int b = colour ? row[s + 2] & 0xff : r;
        int a = hasAlpha ? row[s + bands - 1] & 0xff : 255;
        o = put(r, g, b, a, colour, o);
      }
      return true;
    }

    /** One pixel in the output's channels, as {@link Images} converts ImageIO's pixels. */
    private int put(int r, int g, int b, int a, boolean colour, int o) {
      if (channels == 1) {
        out[o] = colour ? Images.grey(r, g, b) : r;
      } else {
        out[o] = r;
        out[o + 1] = g;
        out[o + 2] = b;
        if (channels == 4) {
          out[o + 3] = a;
        }
      }
      return o + channels;
    }
  }
}
