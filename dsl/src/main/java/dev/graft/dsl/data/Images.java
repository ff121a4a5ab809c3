package dev.graft.dsl.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Image files decoded with the JDK's {@code javax.imageio} (PNG, JPEG, BMP, GIF) into {@code
 * (height, width, channels)} floats in [0, 255], as {@code tf.io.decode_image} then {@code
 * tf.image.resize} do for Keras's {@code image_dataset_from_directory}.
 */
final class Images {
  // For image-by-image decoding (the dataset's map workers, which end with each pass): scratch
  // space kept from image to image, as a batch task keeps its own.
  private static final ThreadLocal<Buffers> PER_THREAD = ThreadLocal.withInitial(Buffers::new);

  private Images() {}

  /** Checks that {@code f} is an image a reader accepts, reading its header only. */
  static void checkHeader(Path f) {
    try (ImageInputStream in = ImageIO.createImageInputStream(f.toFile())) {
      if (in == null) {
        throw new DataException("image " + f + " cannot be opened");
      }
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        throw new DataException("image " + f + " is not a PNG, JPEG, BMP or GIF file");
      }
      ImageReader r = readers.next();
      try {
        r.setInput(in);
        if (r.getWidth(0) < 1 || r.getHeight(0) < 1) {
          throw new DataException("image " + f + " is empty");
        }
      } finally {
        r.dispose();
      }
    } catch (IOException e) {
      throw new DataException("image " + f + " cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * Decodes {@code f} into {@code channels} channels (1 grey, 3 RGB, 4 RGBA: Keras's {@code
   * color_mode}) and resizes it bilinearly to {@code height x width}; returns the values in HWC
   * order. Common PNGs are decoded by {@link Png} straight into floats; other files by ImageIO.
   */
  static float[] load(Path f, int height, int width, int channels) {
    float[] out = new float[height * width * channels];
    load(f, height, width, channels, out, 0, PER_THREAD.get());
    return out;
  }

  /**
   * As {@link #load(Path, int, int, int)}, writing the {@code height * width * channels} values
   * into {@code out} from {@code offset}, with {@code buffers}' scratch space (one per thread).
   */
  static void load(
      Path f, int height, int width, int channels, float[] out, int offset, Buffers buffers) {
    int length = read(f, buffers);
    byte[] bytes = buffers.file;
    Png.Image png = Png.isPng(bytes, length) ? Png.parse(bytes, length, f) : null;
    if (png != null) {
      boolean fits = png.height() == height && png.width() == width;
      float[] into = fits ? out : buffers.pixels(png.height() * png.width() * channels);
      if (png.decode(channels, into, fits ? offset : 0, buffers)) {
        if (!fits) {
          resize(into, png.height(), png.width(), channels, height, width, out, offset, buffers);
        }
        return;
      }
    }
    int[] dims = new int[2];
    float[] px = imageIO(bytes, length, f, channels, dims);
    if (dims[0] == height && dims[1] == width) {
      System.arraycopy(px, 0, out, offset, px.length);
    } else {
      resize(px, dims[0], dims[1], channels, height, width, out, offset, buffers);
    }
  }

  /**
   * A decoding thread's scratch space, reused from image to image so that a batch allocates nothing
   * per image: the file's bytes, the inflated rows, the pixels before resizing, and the resizing
   * tables of the last sizes seen. Not thread-safe: one per thread or task.
   */
  static final class Buffers {
    private byte[] file = new byte[0];
    private byte[] raw = new byte[0];
    private float[] pixels = new float[0];
    private Axis rows;
    private Axis columns;

    /** At least {@code n} bytes for the inflated image data. */
    byte[] raw(int n) {
      if (raw.length < n) {
        raw = new byte[n];
      }
      return raw;
    }

    /** At least {@code n} floats for an image before resizing. */
    float[] pixels(int n) {
      if (pixels.length < n) {
        pixels = new float[n];
      }
      return pixels;
    }
  }

  /** Source neighbours and weights along one axis of {@code in} pixels resized to {@code out}. */
  private record Axis(int in, int out, int[] lo, int[] hi, float[] frac) {
    static Axis of(Axis last, int in, int out) {
      if (last != null && last.in == in && last.out == out) {
        return last;
      }
      Axis a = new Axis(in, out, new int[out], new int[out], new float[out]);
      float scale = (float) in / out;
      for (int i = 0; i < out; i++) {
        float s = (i + 0.5f) * scale - 0.5f;
        int f = (int) Math.floor(s);
        a.frac[i] = s - f;
        a.lo[i] = Math.max(f, 0);
        a.hi[i] = Math.min(f + 1, in - 1);
        if (f < 0) {
          a.lo[i] = 0;
          a.hi[i] = 0;
        }
      }
      return a;
    }
  }

  /**
   * The file's {@code bytes} decoded by ImageIO, in {@code channels} channels; {@code dims[0..1]}
   * receives the height and width.
   */
  static float[] imageIO(byte[] bytes, Path f, int channels, int[] dims) {
    return imageIO(bytes, bytes.length, f, channels, dims);
  }

  private static float[] imageIO(byte[] bytes, int length, Path f, int channels, int[] dims) {
    BufferedImage img;
    // from memory: ImageIO.read(File) would open the file again, read(InputStream) caches on disk;
    // read closes the stream
    try {
      img =
          ImageIO.read(new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes, 0, length)));
    } catch (IOException | RuntimeException e) {
      throw new DataException("image " + f + " cannot be decoded: " + e.getMessage(), e);
    }
    if (img == null) {
      throw new DataException("image " + f + " is not a PNG, JPEG, BMP or GIF file");
    }
    dims[0] = img.getHeight();
    dims[1] = img.getWidth();
    return pixels(img, channels);
  }

  /**
   * Reads the file into {@code buffers.file} (grown as needed); returns its length. Opened and read
   * with no size query, and a PNG whose IEND chunk has arrived is not read again to see the end of
   * the file (what follows IEND is ignored by every decoder): three system calls rather than four,
   * where on a virtual machine each costs about 1 µs against 5–10 µs to decode a 28x28 PNG.
   */
  private static int read(Path f, Buffers buffers) {
    try (FileChannel ch = FileChannel.open(f)) {
      ByteBuffer buf = ByteBuffer.wrap(buffers.file);
      while (true) {
        if (!buf.hasRemaining()) {
          if (buffers.file.length > Integer.MAX_VALUE / 2 - 8) {
            throw new DataException("image " + f + " is too large: over 1 GB");
          }
          buffers.file = Arrays.copyOf(buffers.file, Math.max(1 << 14, 2 * buffers.file.length));
          buf = ByteBuffer.wrap(buffers.file).position(buf.position());
        }
        if (ch.read(buf) < 0
            || (Png.isPng(buffers.file, buf.position())
                && Png.endsWithIend(buffers.file, buf.position()))) {
          return buf.position();
        }
      }
    } catch (IOException e) {
      throw new DataException("image " + f + " cannot be read: " + e.getMessage(), e);
    }
  }

  /** A colour as grey, as Keras's {@code color_mode="grayscale"} for ImageIO's RGB pixels. */
  static float grey(int r, int g, int b) {
    return Math.round(0.299f * r + 0.587f * g + 0.114f * b);
  }

  /** The pixels in {@code channels} channels, HWC. */
  private static float[] pixels(BufferedImage img, int channels) {
    int h = img.getHeight();
    int w = img.getWidth();
    Raster r = img.getRaster();
    int bands;
    int[] v;
    boolean direct =
        img.getColorModel() instanceof ComponentColorModel cm
            && r.getTransferType() == DataBuffer.TYPE_BYTE
            && (cm.getColorSpace().isCS_sRGB()
                || cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY);
    if (direct) {
      // 8-bit grey or RGB(A) as stored: no colour conversion (getRGB would re-encode grey)
      bands = r.getNumBands();
      v = r.getPixels(0, 0, w, h, (int[]) null);
    } else {
      bands = 4;
      int[] argb = img.getRGB(0, 0, w, h, null, 0, w);
      v = new int[argb.length * 4];
      for (int i = 0; i < argb.length; i++) {
        int p = argb[i];
        v[4 * i] = (p >>> 16) & 0xff;
        v[4 * i + 1] = (p >>> 8) & 0xff;
        v[4 * i + 2] = p & 0xff;
        v[4 * i + 3] = p >>> 24;
      }
    }
    float[] out = new float[h * w * channels];
    int n = h * w;
    for (int i = 0; i < n; i++) {
      int s = i * bands;
      int o = i * channels;
      boolean colour = bands >= 3;
      float alpha = bands == 2 || bands == 4 ? v[s + bands - 1] : 255;
      if (channels == 1) {
        out[o] = colour ? grey(v[s], v[s + 1], v[s + 2]) : v[s];
      } else {
        for (int c = 0; c < 3; c++) {
          out[o + c] = colour ? v[s + c] : v[s];
        }
        if (channels == 4) {
          out[o + 3] = alpha;
        }
      }
    }
    return out;
  }

  /**
   * Bilinear resizing as {@code tf.image.resize(method="bilinear", antialias=False)}: half-pixel
   * centres, neighbours clamped at the edges.
   */
  static float[] resize(float[] src, int h, int w, int c, int outH, int outW) {
    float[] out = new float[outH * outW * c];
    resize(src, h, w, c, outH, outW, out, 0, new Buffers());
    return out;
  }

  /** As {@link #resize(float[], int, int, int, int, int)}, into {@code out} from {@code offset}. */
  private static void resize(
      float[] src, int h, int w, int c, int outH, int outW, float[] out, int offset, Buffers b) {
    Axis ys = b.rows = Axis.of(b.rows, h, outH);
    Axis xs = b.columns = Axis.of(b.columns, w, outW);
    for (int y = 0; y < outH; y++) {
      int top = ys.lo[y] * w * c;
      int bottom = ys.hi[y] * w * c;
      float fy = ys.frac[y];
      for (int x = 0; x < outW; x++) {
        int left = xs.lo[x] * c;
        int right = xs.hi[x] * c;
        float fx = xs.frac[x];
        int o = offset + (y * outW + x) * c;
        for (int k = 0; k < c; k++) {
          float t = src[top + left + k] + (src[top + right + k] - src[top + left + k]) * fx;
          float bt =
              src[bottom + left + k] + (src[bottom + right + k] - src[bottom + left + k]) * fx;
          out[o + k] = t + (bt - t) * fy;
        }
      }
    }
  }
}
