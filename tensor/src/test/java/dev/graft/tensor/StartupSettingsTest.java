package dev.graft.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.blas.Blas;
import dev.graft.tensor.blas.BlasRegistry;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * README claims about settings read once per JVM, checked in a fresh one: {@code -Dgraft.threads=N}
 * sets the kernel thread count, and when OpenBLAS's native library cannot load Graft logs one
 * warning naming the platform and computes in pure Java.
 */
class StartupSettingsTest {
  /** Runs {@link Child} in a new JVM with {@code properties}; returns its output (both streams). */
  private static String child(String... properties) throws IOException, InterruptedException {
    return child(List.of(properties), List.of());
  }

  private static String child(List<String> properties, List<String> args)
      throws IOException, InterruptedException {
    List<String> options = new ArrayList<>();
    options.add("-XX:TieredStopAtLevel=1"); // starts faster; nothing here is hot
    options.addAll(properties);
    return ChildJvm.run(options, Child.class, args.toArray(new String[0]));
  }

  @Test
  void graftThreadsSetsTheKernelThreadCount() throws Exception {
    String out = child("-Dgraft.threads=3", "-Dgraft.blas=java");
    assertTrue(out.contains("threads 3\n"), out);
    assertTrue(out.contains("product ok\n"), out);
  }

  @Test
  void anOpenBlasThatCannotLoadIsOneWarningNamingThePlatformThenPureJava() throws Exception {
    // JavaCPP looks for the native library of the platform it is told; no such jar is on the
    // class path, so the load fails as on a machine without a native jar for it.
    String out = child("-Dorg.bytedeco.javacpp.platform=windows-x86_64");
    String warning = "Graft: OpenBLAS is unavailable on windows-x86_64";
    assertEquals(1, out.split(warning, -1).length - 1, out);
    assertTrue(out.contains("product ok\n"), out);
  }

  @Test
  void aBackEndChosenWhileTheBackgroundLoadRunsIsKept() throws Exception {
    String out = child(List.of(), List.of("use-during-background-load"));
    assertTrue(out.contains("loading held the lock\n"), out);
    assertTrue(out.contains("kept java-1t\n"), out);
    assertTrue(out.contains("product ok\n"), out);
  }

  /**
   * Prints the kernel thread count, then checks one product on the chosen back-end. With {@code
   * use-during-background-load}, first chooses {@code java-1t} while the background load holds the
   * registry's lock, and prints the back-end in use once that load has finished.
   */
  public static final class Child {
    private Child() {}

    /** Prints {@code threads <n>} and {@code product ok} when a 3x2 by 2x2 product is right. */
    public static void main(String[] args) throws InterruptedException {
      if (args.length > 0 && args[0].equals("use-during-background-load")) {
        useDuringBackgroundLoad();
      }
      System.out.println("threads " + Parallel.threads());
      float[] a = {1, 2, 3, 4, 5, 6};
      float[] b = {1, 0, 0, 1};
      float[] c = new float[6];
      Blas.current().sgemm(false, false, 3, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2);
      Blas.current().sgemm(false, false, 3, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, c, 0, 2);
      System.out.println(java.util.Arrays.equals(a, c) ? "product ok" : "product wrong");
    }

    private static void useDuringBackgroundLoad() throws InterruptedException {
      BlasRegistry.loadInBackground();
      Thread loader = thread("graft-blas-load");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      boolean held = false;
      while (!held && loader.isAlive() && System.nanoTime() < deadline) {
        held = holdsRegistryLock(loader);
      }
      System.out.println(held ? "loading held the lock" : "loading never held the lock");
      Blas.use(BlasRegistry.named("java-1t"));
      loader.join(TimeUnit.SECONDS.toMillis(20));
      System.out.println("kept " + Blas.current().name());
    }

    private static Thread thread(String name) {
      for (int i = 0; i < 10_000; i++) {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
          if (t.getName().equals(name)) {
            return t;
          }
        }
      }
      throw new AssertionError("no thread " + name);
    }

    private static boolean holdsRegistryLock(Thread t) {
      ThreadInfo info =
          ManagementFactory.getThreadMXBean().getThreadInfo(new long[] {t.getId()}, true, false)[0];
      if (info == null) {
        return false;
      }
      for (MonitorInfo m : info.getLockedMonitors()) {
        if (m.getIdentityHashCode() == System.identityHashCode(BlasRegistry.class)) {
          return true;
        }
      }
      return false;
    }
  }
}
