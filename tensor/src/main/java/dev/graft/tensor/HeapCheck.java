package dev.graft.tensor;

import java.util.Locale;
import java.util.function.Supplier;

/**
 * A check made before a large allocation (a weight, a compiled plan's buffers), so that a model too
 * big for the heap fails with what needs the memory, how much, and the {@code -Xmx} to run it,
 * instead of an {@link OutOfMemoryError} from whatever allocation came last.
 */
public final class HeapCheck {
  private HeapCheck() {}

  /** The most floats one Java array (hence one tensor) holds on common JVMs. */
  public static final long MAX_ARRAY = Integer.MAX_VALUE - 8;

  /**
   * Refuses an allocation of {@code bytes} the heap cannot give: more than {@code -Xmx} minus what
   * is in use (after a garbage collection, asked for only when the quick estimate says no).
   *
   * @param bytes the size of the allocation asked for, in bytes
   * @param what describes the allocation ("weight dense/kernel (40000, 40000)"), built only on
   *     failure
   * @throws IllegalStateException naming {@code what}, the bytes needed and available, and the
   *     {@code -Xmx} that would fit it
   */
  public static void require(long bytes, Supplier<String> what) {
    if (bytes <= available(false) || bytes <= available(true)) {
      return;
    }
    Runtime rt = Runtime.getRuntime();
    long used = rt.totalMemory() - rt.freeMemory();
    throw new IllegalStateException(
        "Not enough memory for "
            + what.get()
            + ": it needs "
            + bytes(bytes)
            + " but the heap has "
            + bytes(Math.max(0, rt.maxMemory() - used))
            + " free of "
            + bytes(rt.maxMemory())
            + " (-Xmx). Run the JVM with -Xmx"
            + suggestedXmx(used + bytes)
            + " or more, or make the model or the batch smaller");
  }

  private static long available(boolean collect) {
    if (collect) {
      System.gc(); // only on the way to a failure: the quick estimate counted garbage as used
    }
    Runtime rt = Runtime.getRuntime();
    return rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
  }

  /** {@code -Xmx} for a heap holding {@code bytes} with a quarter to spare, in whole gigabytes. */
  static String suggestedXmx(long bytes) {
    long gb = (long) Math.ceil(bytes * 1.25 / (1L << 30));
    return Math.max(1, gb) + "g";
  }

  /**
   * Bytes as a short human figure: {@code 6.0 GB}, {@code 512.0 MB}.
   *
   * @param n a byte count, {@code >= 0}
   * @return {@code n bytes} below 1 KB, else the figure with one decimal in the largest unit (KB,
   *     MB, GB, TB; steps of 1024) that keeps it at 1 or more
   */
  public static String bytes(long n) {
    String[] units = {"bytes", "KB", "MB", "GB", "TB"};
    double v = n;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return u == 0 ? n + " bytes" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
