package dev.graft.tensor;

import java.util.Locale;

/** Prints tensors the way NumPy does, summarising long axes with {@code ...}. */
final class TensorFormat {
  private static final int EDGE = 3;
  private static final int SUMMARY_THRESHOLD = 1000;

  private TensorFormat() {}

  static String format(Tensor t) {
    Shape s = t.shape();
    if (s.rank() == 0) {
      return number(t.item());
    }
    boolean summarise = t.size() > SUMMARY_THRESHOLD;
    StringBuilder sb = new StringBuilder();
    append(sb, t.array(), t.offset(), s, 0, summarise, 1);
    return sb.toString();
  }

  private static void append(
      StringBuilder sb, float[] d, int off, Shape s, int axis, boolean summarise, int indent) {
    int n = s.dim(axis);
    int stride = s.sizeFrom(axis + 1);
    sb.append('[');
    boolean cut = summarise && n > 2 * EDGE;
    for (int i = 0; i < n; i++) {
      if (cut && i == EDGE) {
        sb.append(axis == s.rank() - 1 ? "..., " : "...,\n" + " ".repeat(indent));
        i = n - EDGE;
      }
      if (axis == s.rank() - 1) {
        sb.append(number(d[off + i]));
      } else {
        append(sb, d, off + i * stride, s, axis + 1, summarise, indent + 1);
      }
      if (i < n - 1) {
        if (axis == s.rank() - 1) {
          sb.append(", ");
        } else {
          sb.append(',').append("\n".repeat(s.rank() - 1 - axis)).append(" ".repeat(indent));
        }
      }
    }
    sb.append(']');
  }

  private static String number(float v) {
    if (v == Math.rint(v) && !Float.isInfinite(v) && Math.abs(v) < 1e7) {
      return (long) v + ".";
    }
    if (Float.isNaN(v)) {
      return "nan";
    }
    if (Float.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    return String.format(Locale.ROOT, "%.4g", v).replaceAll("(\\.\\d*?)0+($|e)", "$1$2");
  }
}
