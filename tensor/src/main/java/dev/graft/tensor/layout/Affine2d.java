package dev.graft.tensor.layout;

import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;

/**
 * Affine resampling of NHWC images, Keras's {@code affine_transform}: image {@code n} of the output
 * at pixel {@code (x, y)} (column, row) reads the input at {@code (x', y') = (m0 x + m1 y + m2, m3
 * x + m4 y + m5)} with bilinear interpolation, where {@code m (N, 6)} holds one 2x3 matrix per
 * image mapping output coordinates to input coordinates. Points outside the image are filled by
 * {@link Fill}. {@link #transpose} is the adjoint in the input (scatter of the upstream gradient
 * with the same weights), which is the gradient with respect to the input.
 */
public final class Affine2d {
  private Affine2d() {}

  /** How points outside the input are read (Keras's {@code fill_mode}). */
  public enum Fill {
    /**
     * Mirror about the edge, repeating it: {@code (d c b a | a b c d | d c b a)}; Keras default.
     */
    REFLECT,
    /** A constant value ({@code fill_value}). */
    CONSTANT
  }

  /**
   * Writes the transformed images of {@code x (N, H, W, C)} into {@code out} (same shape).
   *
   * @param x the input images {@code (N, H, W, C)}
   * @param m the transforms {@code (N, 6)}: per image, the 2x3 matrix from output to input
   *     coordinates
   * @param fill how points outside the input are read
   * @param fillValue the value read outside the input under {@link Fill#CONSTANT}
   * @param out receives the transformed images, of {@code x}'s shape (overwritten)
   * @throws IllegalArgumentException if the shapes disagree (the message names them)
   */
  public static void apply(Tensor x, Tensor m, Fill fill, float fillValue, Tensor out) {
    check("affine2d", x, m, out);
    java.util.Arrays.fill(out.array(), out.offset(), out.offset() + out.size(), 0f);
    walk(x, m, fill, fillValue, out, false);
  }

  /**
   * The adjoint of {@link #apply} in the input: overwrites {@code dx (N, H, W, C)} with the
   * gradient of {@code sum(apply(x) * g)} with respect to {@code x} (fill values get none).
   *
   * @param g the upstream gradient {@code (N, H, W, C)}
   * @param m the transforms {@code (N, 6)}: per image, the 2x3 matrix from output to input
   *     coordinates
   * @param fill how points outside the input are read
   * @param dx receives the input gradient, of {@code g}'s shape (overwritten)
   * @throws IllegalArgumentException if the shapes disagree (the message names them)
   */
  public static void transpose(Tensor g, Tensor m, Fill fill, Tensor dx) {
    check("affine2d transpose", g, m, dx);
    java.util.Arrays.fill(dx.array(), dx.offset(), dx.offset() + dx.size(), 0f);
    walk(dx, m, fill, 0f, g, true);
  }

  /**
   * The 6 floats of the identity transform.
   *
   * @param m the array receiving the transform
   * @param offset the index in {@code m} of the transform's first float
   */
  public static void identity(float[] m, int offset) {
    m[offset] = 1f;
    m[offset + 1] = 0f;
    m[offset + 2] = 0f;
    m[offset + 3] = 0f;
    m[offset + 4] = 1f;
    m[offset + 5] = 0f;
  }

  private static void check(String op, Tensor x, Tensor m, Tensor out) {
    Shape s = x.shape();
    if (s.rank() != 4 || !out.shape().equals(s) || !m.shape().equals(Shape.of(s.dim(0), 6))) {
      throw new IllegalArgumentException(
          op
              + ": images "
              + s
              + " (N, H, W, C), matrices "
              + m.shape()
              + " (N, 6) and output "
              + out.shape()
              + " do not fit");
    }
  }

  /**
   * One pass over every output pixel: gathers {@code image} into {@code pixels} (forward) or, with
   * {@code scatter}, adds {@code pixels} (the upstream gradient) into {@code image}.
   */
  private static void walk(
      Tensor image, Tensor m, Fill fill, float fillValue, Tensor pixels, boolean scatter) {
    Shape s = image.shape();
    int n = s.dim(0);
    int h = s.dim(1);
    int w = s.dim(2);
    int c = s.dim(3);
    float[] img = image.array();
    float[] px = pixels.array();
    float[] mat = m.array();
    boolean reflect = fill == Fill.REFLECT;
    for (int b = 0; b < n; b++) {
      int mo = m.offset() + 6 * b;
      int base = image.offset() + b * h * w * c;
      for (int i = 0; i < h; i++) {
        for (int j = 0; j < w; j++) {
          float sx = mat[mo] * j + mat[mo + 1] * i + mat[mo + 2];
          float sy = mat[mo + 3] * j + mat[mo + 4] * i + mat[mo + 5];
          if (reflect) {
            sx = reflect(sx, w);
            sy = reflect(sy, h);
          }
          int x0 = (int) Math.floor(sx);
          int y0 = (int) Math.floor(sy);
          float fx = sx - x0;
          float fy = sy - y0;
          int p = pixels.offset() + ((b * h + i) * w + j) * c;
          for (int k = 0; k < 4; k++) {
            int yy = y0 + (k >> 1);
            int xx = x0 + (k & 1);
            float wt = ((k >> 1) == 0 ? 1f - fy : fy) * ((k & 1) == 0 ? 1f - fx : fx);
            if (wt == 0f) {
              continue;
            }
            boolean inside = yy >= 0 && yy < h && xx >= 0 && xx < w;
            if (!inside && reflect) {
              // Only a corner one past the last pixel, reached by rounding, with weight ~0.
              yy = Math.min(Math.max(yy, 0), h - 1);
              xx = Math.min(Math.max(xx, 0), w - 1);
              inside = true;
            }
            int q = base + (yy * w + xx) * c;
            for (int ch = 0; ch < c; ch++) {
              if (scatter) {
                if (inside) {
                  img[q + ch] += wt * px[p + ch];
                }
              } else {
                px[p + ch] += wt * (inside ? img[q + ch] : fillValue);
              }
            }
          }
        }
      }
    }
  }

  /**
   * A coordinate mirrored into {@code [0, len - 1]} with the edge repeated (TensorFlow's and
   * Keras's {@code reflect}).
   */
  static float reflect(float v, int len) {
    if (len <= 1) {
      return 0f;
    }
    float size2 = 2f * len;
    if (v < 0f) {
      if (v < -size2) {
        v = size2 * (float) Math.floor(-v / size2) + v;
      }
      v = v < -len ? v + size2 : -v - 1f;
    } else if (v > len - 1) {
      v -= size2 * (float) Math.floor(v / size2);
      if (v >= len) {
        v = size2 - v - 1f;
      }
    }
    return Math.min(Math.max(v, 0f), len - 1f);
  }
}
