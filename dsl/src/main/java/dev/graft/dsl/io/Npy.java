package dev.graft.dsl.io;

import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * NumPy's {@code .npy} and {@code .npz} files for tensors, so data prepared in Python is used
 * directly. Reading accepts float16/32/64, signed and unsigned integers and booleans of either byte
 * order, C or Fortran order, and 0-d arrays, all converted to float32; writing produces
 * little-endian float32 in C order (format 1.0).
 *
 * <pre>{@code
 * Tensor x = Npy.read(Path.of("x_train.npy"));
 * Npy.write(Path.of("predictions.npy"), model.predict(x));
 * }</pre>
 */
public final class Npy {
  private Npy() {}

  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
  private static final Pattern DESCR =
      Pattern.compile("'descr'\\s*:\\s*'([<>|=])([a-zA-Z])(\\d+)'");
  private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
  private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

  /**
   * Reads an {@code .npy} file as a float32 tensor.
   *
   * @param file the {@code .npy} file
   * @return a float32 tensor of the array's shape
   * @throws ModelFileException naming the file and the problem (unsupported dtype, truncated, ...)
   */
  public static Tensor read(Path file) {
    return FileReads.guard(file, () -> parse(Files.readAllBytes(file)));
  }

  /**
   * Reads every array of an {@code .npz} archive, keyed by name (without {@code .npy}), in order.
   *
   * @param file the {@code .npz} file
   * @return each array's name to a float32 tensor, in archive order
   * @throws ModelFileException naming the archive and the problem
   */
  public static Map<String, Tensor> readNpz(Path file) {
    return FileReads.guard(
        file,
        () -> {
          Map<String, Tensor> out = new LinkedHashMap<>();
          for (Map.Entry<String, byte[]> e : FileReads.zipEntries(file).entrySet()) {
            String name = e.getKey();
            if (name.endsWith(".npy")) {
              out.put(name.substring(0, name.length() - 4), parse(e.getValue()));
            }
          }
          return out;
        });
  }

  /**
   * Writes {@code t} as a little-endian float32 {@code .npy} file (atomically).
   *
   * @param file the file, replaced atomically
   * @param t the tensor
   */
  public static void write(Path file, Tensor t) {
    byte[] data = encode(t);
    AtomicFiles.write(file, tmp -> Files.write(tmp, data));
  }

  /**
   * Writes named tensors as an {@code .npz} archive (atomically).
   *
   * @param file the file, replaced atomically
   * @param arrays each array's name (without {@code .npy}) to its tensor
   */
  public static void writeNpz(Path file, Map<String, Tensor> arrays) {
    AtomicFiles.write(
        file,
        tmp -> {
          try (OutputStream os = Files.newOutputStream(tmp);
              ZipOutputStream zip = new ZipOutputStream(os)) {
            for (Map.Entry<String, Tensor> e : arrays.entrySet()) {
              zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
              zip.write(encode(e.getValue()));
              zip.closeEntry();
            }
          }
        });
  }

  static byte[] encode(Tensor t) {
    StringBuilder shape = new StringBuilder("(");
    for (int d : t.shape().toArray()) {
      shape.append(d).append(", ");
    }
    if (t.rank() > 1) {
      shape.setLength(shape.length() - 2);
    } else if (t.rank() == 1) {
      shape.setLength(shape.length() - 1);
    }
    shape.append(')');
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
    int unpadded = MAGIC.length + 4 + dict.length() + 1;
    String header = dict + " ".repeat((64 - unpadded % 64) % 64) + "\n";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(MAGIC);
    out.write(1);
    out.write(0);
    out.write(header.length() & 0xff);
    out.write(header.length() >>> 8);
    out.writeBytes(header.getBytes(StandardCharsets.US_ASCII));
    ByteBuffer b = ByteBuffer.allocate(4 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < t.size(); i++) {
      b.putFloat(t.getFlat(i));
    }
    out.writeBytes(b.array());
    return out.toByteArray();
  }

  /**
   * The header of an {@code .npy} file: element kind ({@code 'f'}, {@code 'i'}, {@code 'u'}, {@code
   * 'b'}) and size in bytes, byte order, memory order, shape, and where the data starts. Readers
   * that stream the data (memory-mapped shards) use it to find row {@code i} without loading the
   * file.
   *
   * @param descr the dtype as NumPy writes it ({@code "<f4"})
   */
  public record Header(
      String descr,
      char kind,
      int itemSize,
      ByteOrder order,
      boolean fortranOrder,
      int[] shape,
      int dataOffset) {
    /**
     * The number of elements.
     *
     * @return the product of the shape's dimensions
     */
    public long count() {
      long n = 1;
      for (int d : shape) {
        n *= d;
      }
      return n;
    }

    /**
     * The bytes the data takes.
     *
     * @return the element count times the element size
     */
    public long dataBytes() {
      return count() * itemSize;
    }

    /**
     * Element {@code i} of {@code data} (a buffer over the data, in this header's byte order) as a
     * float.
     *
     * @param data the data's bytes
     * @param i the element's index
     * @return the element, converted to float
     */
    public float element(ByteBuffer data, long i) {
      return Npy.element(data, i, kind, itemSize, descr);
    }
  }

  /**
   * Reads the header of an {@code .npy} file (the data is not read).
   *
   * @param file the {@code .npy} file
   * @return the header
   * @throws ModelFileException naming the file and the problem
   */
  public static Header header(Path file) {
    return FileReads.guard(
        file,
        () -> {
          byte[] head;
          try (java.io.InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(12);
            if (head.length >= 10) {
              int major = head[6];
              long len =
                  major == 1
                      ? ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getShort(8) & 0xffff
                      : head.length >= 12
                          ? ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getInt(8)
                          : 0;
              int start = major == 1 ? 10 : 12;
              if (len > 0 && len < (1 << 24)) {
                byte[] all = java.util.Arrays.copyOf(head, start + (int) len);
                int got = in.readNBytes(all, head.length, all.length - head.length);
                head = java.util.Arrays.copyOf(all, head.length + got);
              }
            }
          }
          return header(head);
        });
  }

  private static Header header(byte[] bytes) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    if (bytes.length < 10 || !java.util.Arrays.equals(bytes, 0, 6, MAGIC, 0, 6)) {
      throw new IllegalArgumentException("not a NumPy .npy file (bad magic)");
    }
    int major = bytes[6];
    int headerLen;
    int start;
    if (major == 1) {
      headerLen = b.getShort(8) & 0xffff;
      start = 10;
    } else if (major == 2 || major == 3) {
      if (bytes.length < 12) {
        throw new java.io.EOFException("header cut short");
      }
      headerLen = b.getInt(8);
      start = 12;
    } else {
      throw new IllegalArgumentException("unsupported .npy format version " + major);
    }
    if (headerLen < 0 || start + headerLen > bytes.length) {
      throw new java.io.EOFException("header cut short");
    }
    String header =
        new String(
            bytes,
            start,
            headerLen,
            major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    Matcher d = DESCR.matcher(header);
    Matcher o = ORDER.matcher(header);
    Matcher s = SHAPE.matcher(header);
    if (!d.find() || !o.find() || !s.find()) {
      throw new IllegalArgumentException("unsupported .npy header " + header.strip());
    }
    ByteOrder order = d.group(1).equals(">") ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
    return new Header(
        d.group(0),
        d.group(2).charAt(0),
        Integer.parseInt(d.group(3)),
        order,
        o.group(1).equals("True"),
        dims(s.group(1)),
        start + headerLen);
  }

  static Tensor parse(byte[] bytes) throws IOException {
    Header h = header(bytes);
    int[] dims = h.shape();
    long n = h.count();
    int size = h.itemSize();
    int dataStart = h.dataOffset();
    if (n > Integer.MAX_VALUE || (long) dataStart + n * size > bytes.length) {
      throw new java.io.EOFException(
          "data cut short: "
              + n
              + " values of "
              + size
              + " bytes after a "
              + dataStart
              + "-byte header, file has "
              + bytes.length
              + " bytes");
    }
    ByteBuffer data = ByteBuffer.wrap(bytes, dataStart, (int) (n * size)).slice().order(h.order());
    float[] values = new float[(int) n];
    for (int i = 0; i < values.length; i++) {
      values[i] = h.element(data, i);
    }
    if (h.fortranOrder() && dims.length > 1) {
      values = fortranToC(values, dims);
    }
    return Tensor.wrap(values, 0, Shape.of(dims));
  }

  private static int[] dims(String text) {
    String[] parts = text.split(",");
    int count = 0;
    int[] dims = new int[parts.length];
    for (String p : parts) {
      if (!p.isBlank()) {
        long v = Long.parseLong(p.strip().replace("L", ""));
        if (v < 0 || v > Integer.MAX_VALUE) {
          throw new IllegalArgumentException("bad dimension " + v);
        }
        dims[count++] = (int) v;
      }
    }
    return java.util.Arrays.copyOf(dims, count);
  }

  private static float element(ByteBuffer b, long i, char kind, int size, String descr) {
    int at = Math.toIntExact(i * size);
    switch (kind) {
      case 'f':
        if (size == 4) {
          return b.getFloat(at);
        }
        if (size == 8) {
          return (float) b.getDouble(at);
        }
        if (size == 2) {
          return half(b.getShort(at));
        }
        break;
      case 'i':
        switch (size) {
          case 1:
            return b.get(at);
          case 2:
            return b.getShort(at);
          case 4:
            return b.getInt(at);
          case 8:
            return b.getLong(at);
          default:
            break;
        }
        break;
      case 'u':
        switch (size) {
          case 1:
            return b.get(at) & 0xff;
          case 2:
            return b.getShort(at) & 0xffff;
          case 4:
            return b.getInt(at) & 0xffffffffL;
          case 8:
            long v = b.getLong(at);
            return v >= 0 ? v : (float) (v >>> 1) * 2f;
          default:
            break;
        }
        break;
      case 'b':
        if (size == 1) {
          return b.get(at) != 0 ? 1f : 0f;
        }
        break;
      default:
        break;
    }
    throw new IllegalArgumentException(
        "unsupported dtype " + descr + " (Graft reads float, int, uint and bool arrays)");
  }

  /** An IEEE 754 half-precision value. */
  private static float half(short h) {
    int sign = (h >>> 15) & 1;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    float v;
    if (exp == 0) {
      v = mant * 0x1p-24f;
    } else if (exp == 31) {
      v = mant == 0 ? Float.POSITIVE_INFINITY : Float.NaN;
    } else {
      v = Float.intBitsToFloat(((exp + 112) << 23) | (mant << 13));
    }
    return sign == 1 ? -v : v;
  }

  /** Reorders column-major values (first axis fastest) to row-major. */
  private static float[] fortranToC(float[] f, int[] dims) {
    float[] c = new float[f.length];
    int r = dims.length;
    int[] idx = new int[r];
    for (int k = 0; k < f.length; k++) {
      int ci = 0;
      for (int a = 0; a < r; a++) {
        ci = ci * dims[a] + idx[a];
      }
      c[ci] = f[k];
      for (int a = 0; a < r; a++) {
        if (++idx[a] < dims[a]) {
          break;
        }
        idx[a] = 0;
      }
    }
    return c;
  }
}
