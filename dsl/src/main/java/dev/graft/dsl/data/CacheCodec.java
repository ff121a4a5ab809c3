package dev.graft.dsl.data;

import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The element format of {@code cache(file)}: a tag byte, then the value. */
final class CacheCodec {
  static final int END = 'E';
  private static final int TENSOR = 'T';
  private static final int LIST = 'L';
  private static final int ARRAY = 'A';
  private static final int STRING = 'S';
  private static final int STRINGS = 'W';

  private CacheCodec() {}

  static void write(DataOutputStream out, Object e) throws IOException {
    if (e instanceof Tensor t) {
      out.writeByte(TENSOR);
      out.writeByte(t.rank());
      for (int d : t.shape().toArray()) {
        out.writeInt(d);
      }
      float[] a = t.array();
      for (int i = 0, o = t.offset(); i < t.size(); i++) {
        out.writeFloat(a[o + i]);
      }
    } else if (e instanceof List<?> l) {
      out.writeByte(LIST);
      out.writeInt(l.size());
      for (Object x : l) {
        write(out, x);
      }
    } else if (e instanceof Tensor[] ts) {
      out.writeByte(ARRAY);
      out.writeInt(ts.length);
      for (Tensor x : ts) {
        write(out, x);
      }
    } else if (e instanceof String s) {
      out.writeByte(STRING);
      string(out, s);
    } else if (e instanceof String[] ss) {
      out.writeByte(STRINGS);
      out.writeInt(ss.length);
      for (String s : ss) {
        string(out, s);
      }
    } else {
      throw new DataException(
          "cache(file) stores tensors, lists of tensors and strings; this element is a "
              + e.getClass().getName()
              + " (use cache() to keep it in memory)");
    }
  }

  private static void string(DataOutputStream out, String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(b.length);
    out.write(b);
  }

  /** The next element, or {@code null} at the end mark. */
  static Object read(DataInputStream in) throws IOException {
    int tag = in.read();
    if (tag < 0) {
      throw new EOFException("the file ends before its end mark");
    }
    return switch (tag) {
      case END -> null;
      case TENSOR -> {
        int rank = in.readUnsignedByte();
        int[] dims = new int[rank];
        for (int i = 0; i < rank; i++) {
          dims[i] = in.readInt();
        }
        Shape s = Shape.of(dims);
        float[] v = new float[s.size()];
        for (int i = 0; i < v.length; i++) {
          v[i] = in.readFloat();
        }
        yield Tensor.wrap(v, 0, s);
      }
      case LIST, ARRAY -> {
        int n = in.readInt();
        List<Object> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          out.add(read(in));
        }
        yield tag == LIST ? out : out.toArray(new Tensor[0]);
      }
      case STRING -> string(in);
      case STRINGS -> {
        String[] out = new String[in.readInt()];
        for (int i = 0; i < out.length; i++) {
          out[i] = string(in);
        }
        yield out;
      }
      default -> throw new IOException("unknown element tag " + tag);
    };
  }

  private static String string(DataInputStream in) throws IOException {
    byte[] b = new byte[in.readInt()];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }
}
