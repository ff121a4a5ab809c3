package dev.graft.dsl.io;

import io.jhdf.api.Attribute;
import io.jhdf.api.Dataset;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Checksums of the weights Graft writes: each dataset of a weights file carries the attribute
 * {@value #ATTRIBUTE}, the CRC-32C of its path from the file's root (UTF-8, e.g. {@code
 * layers/dense/vars/0}), one zero byte, then its values in C order as little-endian float32 (int64
 * for the optimizer's iteration count). Keras reads datasets and ignores their attributes, so the
 * files stay Keras files; files without the attribute (Keras's own) are read unchecked.
 *
 * <p>Covering the path binds a value to its place: a renamed group or dataset fails its check as a
 * changed value does.
 */
final class Checksums {
  private Checksums() {}

  /** The attribute holding a dataset's checksum (an int64 in [0, 2^32)). */
  static final String ATTRIBUTE = "graft_crc32c";

  private static final int CHUNK = 1 << 14;

  /** The checksum of float values stored at {@code path}. */
  static long of(String path, float[] values) {
    return of(path, (Object) values);
  }

  /** The checksum of an int64 scalar stored at {@code path}. */
  static long of(String path, long value) {
    return of(path, (Object) new long[] {value});
  }

  /**
   * The checksum of values as read from a dataset: {@code float[]} or {@code Float} (float32),
   * {@code long[]} or {@code Long} (int64); null for any other type, which Graft never checksums.
   */
  private static Long of(String path, Object values) {
    CRC32C crc = start(path);
    if (values instanceof Float f) {
      values = new float[] {f};
    } else if (values instanceof Long l) {
      values = new long[] {l};
    }
    if (values instanceof float[] fs) {
      ByteBuffer buf = ByteBuffer.allocate(4 * Math.min(CHUNK, fs.length));
      buf.order(ByteOrder.LITTLE_ENDIAN);
      for (int at = 0; at < fs.length; at += CHUNK) {
        int n = Math.min(CHUNK, fs.length - at);
        buf.clear();
        for (int i = 0; i < n; i++) {
          buf.putInt(Float.floatToRawIntBits(fs[at + i]));
        }
        crc.update(buf.flip());
      }
    } else if (values instanceof long[] ls) {
      ByteBuffer buf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
      for (long l : ls) {
        crc.update(buf.clear().putLong(l).flip());
      }
    } else {
      return null;
    }
    return crc.getValue();
  }

  private static CRC32C start(String path) {
    CRC32C crc = new CRC32C();
    crc.update(relative(path).getBytes(StandardCharsets.UTF_8));
    crc.update(0);
    return crc;
  }

  private static String relative(String path) {
    return path.startsWith("/") ? path.substring(1) : path;
  }

  /**
   * Checks the values read from {@code d} (as jhdf returns them: {@code float[]}, {@code Float},
   * {@code long[]} or {@code Long}) against its checksum, if it has one.
   *
   * @param label what the values are, for the message (a variable name such as {@code
   *     dense/kernel})
   * @throws IllegalArgumentException naming the weight when the values fail their check
   */
  static void verify(Dataset d, Object values, String label) {
    Long want = stored(d, label);
    if (want != null && !want.equals(of(d.getPath(), values))) {
      throw corrupted(d, label);
    }
  }

  private static Long stored(Dataset d, String label) {
    Attribute a = d.getAttribute(ATTRIBUTE);
    if (a == null) {
      return null;
    }
    if (a.getData() instanceof Number n) {
      return n.longValue();
    }
    throw corrupted(d, label);
  }

  private static IllegalArgumentException corrupted(Dataset d, String label) {
    String path = relative(d.getPath());
    return new IllegalArgumentException(
        "weight \""
            + label
            + "\""
            + (label.equals(path) ? "" : " (" + path + ")")
            + " fails its checksum: the file is corrupted");
  }
}
