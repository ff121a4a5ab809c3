package dev.graft.dsl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PNG fast path against ImageIO: every colour type and bit depth it takes, every filter, gives
 * bit-identical floats in every colour mode; what it does not take falls back; damage is an error
 * naming the file.
 */
class PngTest {
  private static final Path FILE = Path.of("dir/img.png");
  private static final int[] MODES = {3, 4, 1};

  /** Checks the fast path takes {@code png} and gives ImageIO's floats in every colour mode. */
  private static void sameAsImageIO(byte[] png, String what) {
    for (int c : MODES) {
      Png.Decoded d = Png.decode(png, FILE, c);
      assertNotNull(d, what + ": left to ImageIO");
      int[] dims = new int[2];
      float[] expected = Images.imageIO(png, FILE, c, dims);
      assertEquals(dims[0], d.height(), what);
      assertEquals(dims[1], d.width(), what);
      assertArrayEquals(expected, d.pixels(), what + ", " + c + " channels");
    }
  }

  private static byte[] imageIOPng(BufferedImage img) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertTrue(ImageIO.write(img, "png", out));
    return out.toByteArray();
  }

  private static BufferedImage noise(BufferedImage img, long seed) {
    Random rnd = new Random(seed);
    var r = img.getRaster();
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        for (int b = 0; b < r.getNumBands(); b++) {
          // smooth parts (so the writer picks several filters) and noisy parts
          int v = x < img.getWidth() / 2 ? (x * 9 + y * 5 + b * 40) : rnd.nextInt(256);
          r.setSample(x, y, b, v & ((1 << r.getSampleModel().getSampleSize(b)) - 1));
        }
      }
    }
    return img;
  }

  private static IndexColorModel palette(int bits, int entries, boolean alpha, long seed) {
    Random rnd = new Random(seed);
    byte[] r = new byte[entries];
    byte[] g = new byte[entries];
    byte[] b = new byte[entries];
    byte[] a = new byte[entries];
    rnd.nextBytes(r);
    rnd.nextBytes(g);
    rnd.nextBytes(b);
    rnd.nextBytes(a);
    return alpha
        ? new IndexColorModel(bits, entries, r, g, b, a)
        : new IndexColorModel(bits, entries, r, g, b);
  }

  @Test
  void imageIOsPngsInEveryColourTypeDecodeAsImageIODoes() throws IOException {
    int w = 37;
    int h = 23;
    sameAsImageIO(
        imageIOPng(noise(new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY), 1)), "grey");
    sameAsImageIO(
        imageIOPng(noise(new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR), 2)), "RGB");
    sameAsImageIO(imageIOPng(noise(new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB), 3)), "RGB");
    sameAsImageIO(
        imageIOPng(noise(new BufferedImage(w, h, BufferedImage.TYPE_4BYTE_ABGR), 4)), "RGBA");
    var greyAlpha =
        new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_GRAY),
            true,
            false,
            Transparency.TRANSLUCENT,
            DataBuffer.TYPE_BYTE);
    sameAsImageIO(
        imageIOPng(
            noise(
                new BufferedImage(
                    greyAlpha, greyAlpha.createCompatibleWritableRaster(w, h), false, null),
                5)),
        "grey + alpha");
    for (int bits : new int[] {1, 2, 4}) {
      for (boolean alpha : new boolean[] {false, true}) {
        var cm = palette(bits, 1 << bits, alpha, bits);
        sameAsImageIO(
            imageIOPng(noise(new BufferedImage(w, h, BufferedImage.TYPE_BYTE_BINARY, cm), bits)),
            bits + "-bit palette, alpha " + alpha);
      }
    }
    for (boolean alpha : new boolean[] {false, true}) {
      var cm = palette(8, 256, alpha, 8);
      sameAsImageIO(
          imageIOPng(noise(new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, cm), 9)),
          "8-bit palette, alpha " + alpha);
    }
  }

  // ---- PNGs written by hand, each row with a chosen filter ----

  /** A PNG of the raw (unfiltered) {@code rows}, row y filtered with {@code filters[y % n]}. */
  static byte[] handMade(
      int w, int colorType, int depth, byte[][] rows, int[] filters, byte[] plte, byte[] trns) {
    int bands =
        switch (colorType) {
          case 0, 3 -> 1;
          case 4 -> 2;
          case 2 -> 3;
          default -> 4;
        };
    int bpp = Math.max(1, bands * depth / 8);
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    byte[] prior = new byte[rows[0].length];
    for (int y = 0; y < rows.length; y++) {
      byte[] row = rows[y];
      int f = filters[y % filters.length];
      raw.write(f);
      for (int i = 0; i < row.length; i++) {
        int a = i >= bpp ? row[i - bpp] & 0xff : 0;
        int b = prior[i] & 0xff;
        int c = i >= bpp ? prior[i - bpp] & 0xff : 0;
        int predictor =
            switch (f) {
              case 0 -> 0;
              case 1 -> a;
              case 2 -> b;
              case 3 -> (a + b) / 2;
              default -> paeth(a, b, c);
            };
        raw.write((row[i] - predictor) & 0xff);
      }
      prior = row;
    }
    Deflater deflater = new Deflater();
    deflater.setInput(raw.toByteArray());
    deflater.finish();
    ByteArrayOutputStream z = new ByteArrayOutputStream();
    byte[] buf = new byte[64];
    while (!deflater.finished()) {
      z.write(buf, 0, deflater.deflate(buf));
    }
    deflater.end();
    byte[] idat = z.toByteArray();
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
    ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(w).putInt(rows.length);
    ihdr.put((byte) depth).put((byte) colorType).put((byte) 0).put((byte) 0).put((byte) 0);
    chunk(png, "IHDR", ihdr.array());
    if (plte != null) {
      chunk(png, "PLTE", plte);
    }
    if (trns != null) {
      chunk(png, "tRNS", trns);
    }
    chunk(
        png, "tEXt", "Comment\0made by hand".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    // two IDAT chunks: the decoder must feed the inflater across them
    int half = idat.length / 2;
    chunk(png, "IDAT", Arrays.copyOfRange(idat, 0, half));
    chunk(png, "IDAT", Arrays.copyOfRange(idat, half, idat.length));
    chunk(png, "IEND", new byte[0]);
    return png.toByteArray();
  }

  private static int paeth(int a, int b, int c) {
    int p = a + b - c;
    int pa = Math.abs(p - a);
    int pb = Math.abs(p - b);
    int pc = Math.abs(p - c);
    return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
  }

  private static void chunk(ByteArrayOutputStream out, String type, byte[] body) {
    byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    out.writeBytes(ByteBuffer.allocate(4).putInt(body.length).array());
    out.writeBytes(t);
    out.writeBytes(body);
    CRC32 crc = new CRC32();
    crc.update(t);
    crc.update(body);
    out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  private static byte[][] randomRows(int h, int rowBytes, long seed) {
    Random rnd = new Random(seed);
    byte[][] rows = new byte[h][rowBytes];
    for (byte[] r : rows) {
      rnd.nextBytes(r);
    }
    return rows;
  }

  @Test
  void everyFilterInEveryColourTypeDecodesAsImageIODoes() {
    int w = 13;
    int h = 11;
    int[][] filterSets = {{0}, {1}, {2}, {3}, {4}, {4, 3, 2, 1, 0, 2, 4}};
    int[][] types = {{0, 8}, {2, 8}, {4, 8}, {6, 8}, {3, 1}, {3, 2}, {3, 4}, {3, 8}};
    for (int[] filters : filterSets) {
      for (int[] t : types) {
        int colorType = t[0];
        int depth = t[1];
        int bands = colorType == 2 ? 3 : colorType == 4 ? 2 : colorType == 6 ? 4 : 1;
        byte[][] rows = randomRows(h, (w * bands * depth + 7) / 8, 31L * colorType + depth);
        byte[] plte = null;
        byte[] trns = null;
        if (colorType == 3) {
          int entries = 1 << depth;
          plte = new byte[3 * entries];
          new Random(depth).nextBytes(plte);
          trns = new byte[entries / 2]; // short: the rest is opaque
          new Random(depth + 1).nextBytes(trns);
        }
        byte[] png = handMade(w, colorType, depth, rows, filters, plte, trns);
        sameAsImageIO(
            png,
            "colour type "
                + colorType
                + ", "
                + depth
                + " bits, filters "
                + Arrays.toString(filters));
      }
    }
  }

  @Test
  void whatItDoesNotTakeIsLeftToImageIO(@TempDir Path dir) throws IOException {
    // 16-bit grey
    byte[] sixteen = handMade(5, 0, 16, randomRows(4, 10, 1), new int[] {1}, null, null);
    assertNull(Png.decode(sixteen, FILE, 1));
    // a colour key (tRNS) on RGB: ImageIO adds an alpha channel
    byte[] keyed =
        handMade(5, 2, 8, randomRows(4, 15, 2), new int[] {2}, null, new byte[] {0, 1, 0, 2, 0, 3});
    assertNull(Png.decode(keyed, FILE, 4));
    // interlaced, written by ImageIO
    BufferedImage img = noise(new BufferedImage(19, 17, BufferedImage.TYPE_3BYTE_BGR), 7);
    ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (var ios = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(ios);
      writer.write(null, new IIOImage(img, null, null), param);
    }
    writer.dispose();
    byte[] interlaced = out.toByteArray();
    assertNull(Png.decode(interlaced, FILE, 3));
    // an index past a short palette (the PNG spec's error; JDKs differ on what it reads as)
    byte[] rows = {0, 1, 2, 3, 2, 1};
    byte[] pastPalette =
        handMade(6, 3, 8, new byte[][] {rows}, new int[] {0}, new byte[] {1, 2, 3, 4, 5, 6}, null);
    assertNull(Png.decode(pastPalette, FILE, 3));
    // ... and Images.load still decodes them, through ImageIO
    for (byte[] png : new byte[][] {sixteen, keyed, interlaced, pastPalette}) {
      Path f = dir.resolve("fallback.png");
      Files.write(f, png);
      int[] dims = new int[2];
      float[] expected = Images.imageIO(png, f, 3, dims);
      assertArrayEquals(expected, Images.load(f, dims[0], dims[1], 3));
    }
  }

  @Test
  void loadUsesTheFastPathAndResizesAsBefore(@TempDir Path dir) throws IOException {
    byte[] png = imageIOPng(noise(new BufferedImage(20, 16, BufferedImage.TYPE_3BYTE_BGR), 11));
    Path f = dir.resolve("a.png");
    Files.write(f, png);
    int[] dims = new int[2];
    float[] full = Images.imageIO(png, f, 3, dims);
    assertArrayEquals(full, Images.load(f, 16, 20, 3));
    assertArrayEquals(Images.resize(full, 16, 20, 3, 7, 9), Images.load(f, 7, 9, 3));
  }

  @Test
  void filesAreReadWholeWhateverTheirSizeOrTrailingBytes(@TempDir Path dir) throws IOException {
    // over the first read buffers (16 KB, then doubled)
    byte[] big = imageIOPng(noise(new BufferedImage(300, 240, BufferedImage.TYPE_3BYTE_BGR), 5));
    assertTrue(big.length > 1 << 16, "big.length=" + big.length);
    byte[] small = imageIOPng(noise(new BufferedImage(9, 7, BufferedImage.TYPE_BYTE_GRAY), 6));
    byte[] trailing = Arrays.copyOf(small, small.length + 5); // bytes after IEND are ignored
    Images.Buffers buffers = new Images.Buffers();
    float[] batch = new float[3 * 240 * 300 * 3];
    int size = 240 * 300 * 3;
    int k = 0;
    for (byte[] png : new byte[][] {small, big, trailing}) {
      Path f = dir.resolve(k + ".png");
      Files.write(f, png);
      int[] dims = new int[2];
      float[] expected =
          Images.resize(Images.imageIO(png, f, 3, dims), dims[0], dims[1], 3, 240, 300);
      // one scratch space for every image, each written at its place in the batch
      Images.load(f, 240, 300, 3, batch, k * size, buffers);
      assertArrayEquals(expected, Arrays.copyOfRange(batch, k * size, (k + 1) * size), "" + k);
      k++;
    }
  }

  @Test
  void damageIsAnErrorNamingTheFile() {
    byte[] good = handMade(6, 2, 8, randomRows(5, 18, 3), new int[] {4}, null, null);
    // a flipped bit in the image data: the IDAT's CRC no longer matches
    byte[] flipped = good.clone();
    flipped[flipped.length - 30] ^= 4;
    DataException crc = assertThrows(DataException.class, () -> Png.decode(flipped, FILE, 3));
    assertTrue(crc.getMessage().contains(FILE.toString()), crc.getMessage());
    assertTrue(crc.getMessage().contains("bad CRC"), crc.getMessage());
    // cut short
    byte[] cut = Arrays.copyOf(good, good.length - 20);
    DataException truncated = assertThrows(DataException.class, () -> Png.decode(cut, FILE, 3));
    assertTrue(truncated.getMessage().contains(FILE.toString()), truncated.getMessage());
    assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
    // a row with filter type 7 (valid CRCs)
    byte[] badFilter = handMade(6, 0, 8, randomRows(3, 6, 4), new int[] {7}, null, null);
    DataException filter = assertThrows(DataException.class, () -> Png.decode(badFilter, FILE, 1));
    assertTrue(filter.getMessage().contains("unknown filter type 7"), filter.getMessage());
    // a header claiming 100,000 x 100,000 pixels: refused before any allocation
    byte[] huge = good.clone();
    java.nio.ByteBuffer.wrap(huge, 16, 8).putInt(100_000).putInt(100_000);
    CRC32 headerCrc = new CRC32();
    headerCrc.update(huge, 12, 17);
    java.nio.ByteBuffer.wrap(huge, 29, 4).putInt((int) headerCrc.getValue());
    DataException big = assertThrows(DataException.class, () -> Png.decode(huge, FILE, 3));
    assertTrue(big.getMessage().contains("100000 x 100000 pixels: too large"), big.getMessage());
  }
}
