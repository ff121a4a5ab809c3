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
    byte[] bytes = read(f);
    Png.Decoded png = Png.isPng(bytes) ? Png.decode(bytes, f, channels) : null;
    if (png != null) {
      return fitted(png.pixels(), png.height(), png.width(), channels, height, width);
    }
    int[] dims = new int[2];
    float[] px = imageIO(bytes, f, channels, dims);
    return fitted(px, dims[0], dims[1], channels, height, width);
  }

  /**
   * The file's {@code bytes} decoded by ImageIO, in {@code channels} channels; {@code dims[0..1]}
   * receives the height and width.
   */
  static float[] imageIO(byte[] bytes, Path f, int channels, int[] dims) {
    BufferedImage img;
    // from memory: ImageIO.read(File) would open the file again, read(InputStream) caches on disk;
    // read closes the stream
    try {
      img = ImageIO.read(new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes)));
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
   * The whole file. Not {@code Files.readAllBytes}: for the small files of an image folder its
   * stream wrapper and extra read at the end cost a sixth of the time.
   */
  private static byte[] read(Path f) {
    try (FileChannel ch = FileChannel.open(f)) {
      long size = ch.size();
      if (size > Integer.MAX_VALUE - 8) {
        throw new DataException("image " + f + " is too large: " + size + " bytes");
      }
      ByteBuffer buf = ByteBuffer.allocate((int) size);
      while (buf.hasRemaining() && ch.read(buf) >= 0) {
        // a file that shrank while read ends early: the decoder reports it truncated
      }
      return buf.hasRemaining() ? Arrays.copyOf(buf.array(), buf.position()) : buf.array();
    } catch (IOException e) {
      throw new DataException("image " + f + " cannot be read: " + e.getMessage(), e);
    }
  }

  /** {@code src} resized to {@code height x width} if it is not that size already. */
  private static float[] fitted(float[] src, int h, int w, int c, int height, int width) {
    return h == height && w == width ? src : resize(src, h, w, c, height, width);
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
    int[] y0 = new int[outH];
    int[] y1 = new int[outH];
    float[] ly = new float[outH];
    axis(h, outH, y0, y1, ly);
    int[] x0 = new int[outW];
    int[] x1 = new int[outW];
    float[] lx = new float[outW];
    axis(w, outW, x0, x1, lx);
    float[] out = new float[outH * outW * c];
    for (int y = 0; y < outH; y++) {
      int top = y0[y] * w * c;
      int bottom = y1[y] * w * c;
      float fy = ly[y];
      for (int x = 0; x < outW; x++) {
        int left = x0[x] * c;
        int right = x1[x] * c;
        float fx = lx[x];
        int o = (y * outW + x) * c;
        for (int k = 0; k < c; k++) {
          float t = src[top + left + k] + (src[top + right + k] - src[top + left + k]) * fx;
          float b =
              src[bottom + left + k] + (src[bottom + right + k] - src[bottom + left + k]) * fx;
          out[o + k] = t + (b - t) * fy;
        }
      }
    }
    return out;
  }

  /** Source neighbours and weights along one axis of {@code in} pixels resized to {@code out}. */
  private static void axis(int in, int out, int[] lo, int[] hi, float[] frac) {
    float scale = (float) in / out;
    for (int i = 0; i < out; i++) {
      float s = (i + 0.5f) * scale - 0.5f;
      int f = (int) Math.floor(s);
      frac[i] = s - f;
      lo[i] = Math.max(f, 0);
      hi[i] = Math.min(f + 1, in - 1);
      if (f < 0) {
        lo[i] = 0;
        hi[i] = 0;
      }
    }
  }
}
