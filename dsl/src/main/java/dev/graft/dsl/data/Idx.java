package dev.graft.dsl.data;

import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * The IDX format of MNIST and Fashion-MNIST ({@code train-images-idx3-ubyte.gz}): a big-endian
 * magic number (element type and rank), the dimensions, then the values, read into a float tensor
 * of the stored values (bytes stay 0..255). Names ending in {@code .gz} are decompressed.
 *
 * <pre>{@code
 * Tensor images = Idx.read(Path.of("train-images-idx3-ubyte.gz"));      // (60000, 28, 28)
 * Tensor labels = Idx.read(Path.of("train-labels-idx1-ubyte.gz"));      // (60000)
 * Dataset<List<Tensor>> train = Dataset.fromTensorSlices(images, labels).shuffle(60000).batch(64);
 * }</pre>
 */
public final class Idx {
  private Idx() {}

  /**
   * Reads an IDX file.
   *
   * @param file the IDX file, gzipped if its name ends in {@code .gz}
   * @return a float tensor of the file's dimensions
   * @throws DataException naming the file and what is wrong with it
   */
  public static Tensor read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return read(file.toString(), in, -1);
    } catch (IOException e) {
      throw new DataException("IDX file " + file + " cannot be read: " + e.getMessage(), e);
    }
  }

  /**
   * Reads IDX data from a stream named {@code name} (gzip if the name ends in {@code .gz}),
   * checking its rank unless {@code rank} is -1.
   *
   * @param name the stream's name, for messages and the gzip test
   * @param raw the stream of the file's bytes
   * @param rank the expected number of dimensions, or -1
   * @return a float tensor of the stream's dimensions
   * @throws DataException naming the stream and what is wrong with it
   */
  public static Tensor read(String name, InputStream raw, int rank) {
    byte[] b = bytes(name, raw);
    if (b.length < 4) {
      throw corrupt(name, "only " + b.length + " bytes, shorter than the IDX header");
    }
    ByteBuffer buf = ByteBuffer.wrap(b);
    int magic = buf.getInt(0);
    int type = (magic >>> 8) & 0xff;
    int r = magic & 0xff;
    int size = elementSize(type);
    if ((magic >>> 16) != 0 || size == 0 || rank >= 0 && r != rank) {
      throw corrupt(
          name,
          String.format(
              Locale.ROOT,
              "magic number 0x%08x, expected 0x00000%x%02x",
              magic,
              type == 0 || size == 0 ? 8 : type,
              rank >= 0 ? rank : r));
    }
    if (b.length < 4 + 4 * r) {
      throw corrupt(name, "only " + b.length + " bytes, shorter than the IDX header");
    }
    int[] dims = new int[r];
    long count = 1;
    for (int d = 0; d < r; d++) {
      dims[d] = buf.getInt(4 + 4 * d);
      if (dims[d] < 0) {
        throw corrupt(name, "dimension " + d + " is " + dims[d]);
      }
      count *= dims[d];
    }
    long want = 4 + 4L * r + count * size;
    if (b.length != want) {
      throw corrupt(name, "holds " + b.length + " bytes; its header promises " + want);
    }
    float[] v = new float[(int) count];
    int at = 4 + 4 * r;
    for (int i = 0; i < v.length; i++, at += size) {
      v[i] =
          switch (type) {
            case 0x08 -> b[at] & 0xff;
            case 0x09 -> b[at];
            case 0x0B -> buf.getShort(at);
            case 0x0C -> buf.getInt(at);
            case 0x0D -> buf.getFloat(at);
            default -> (float) buf.getDouble(at);
          };
    }
    return Tensor.wrap(v, 0, Shape.of(dims));
  }

  private static int elementSize(int type) {
    return switch (type) {
      case 0x08, 0x09 -> 1;
      case 0x0B -> 2;
      case 0x0C, 0x0D -> 4;
      case 0x0E -> 8;
      default -> 0;
    };
  }

  private static byte[] bytes(String name, InputStream raw) {
    boolean gz = name.endsWith(".gz");
    try (InputStream in = gz ? new GZIPInputStream(raw, 1 << 16) : raw) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(1 << 20);
      in.transferTo(out);
      return out.toByteArray();
    } catch (EOFException e) {
      throw corrupt(name, "the gzip stream ends early");
    } catch (IOException e) {
      throw corrupt(
          name, (gz ? "not a readable gzip file (" : "cannot be read (") + e.getMessage() + ")");
    }
  }

  private static DataException corrupt(String name, String why) {
    return new DataException("IDX file " + name + " is corrupt: " + why);
  }
}
