package dev.graft.tensor.support;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The warm-up thread runs at nice 19 where Linux and {@code renice} let it, and {@code
 * -Dgraft.warmupPriority} takes {@code low} or {@code normal} only.
 */
class BackgroundPriorityTest {
  @Test
  void theWarmUpThreadRunsAtTheLowestPriority() throws Exception {
    assumeTrue(BackgroundPriority.canLower(), "needs Linux and renice");
    int callerBefore = BackgroundPriority.niceOf(Path.of("/proc/thread-self/stat"));
    CountDownLatch running = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    JitWarmup<Object> w =
        new JitWarmup<>(
            "held",
            new Object(),
            new Object(),
            o -> {
              running.countDown();
              try {
                release.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            true,
            -1);
    try {
      w.get();
      assertTrue(running.await(30, TimeUnit.SECONDS), "the exercise started");
      Path stat = warmUpThreadStat();
      assertEquals(BackgroundPriority.NICE, BackgroundPriority.niceOf(stat), stat.toString());
      assertEquals(
          callerBefore,
          BackgroundPriority.niceOf(Path.of("/proc/thread-self/stat")),
          "the caller keeps its priority");
    } finally {
      release.countDown();
    }
  }

  @Test
  void thePropertyTakesLowOrNormalAndNamesItselfOtherwise() {
    String before = System.getProperty(BackgroundPriority.PROPERTY);
    try {
      System.clearProperty(BackgroundPriority.PROPERTY);
      assertTrue(BackgroundPriority.wanted());
      System.setProperty(BackgroundPriority.PROPERTY, "Normal");
      assertFalse(BackgroundPriority.wanted());
      System.setProperty(BackgroundPriority.PROPERTY, "idle");
      JitWarmup<Object> w = new JitWarmup<>("bad", new Object(), new Object(), o -> {}, true, 9);
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, w::get);
      assertTrue(e.getMessage().contains("-Dgraft.warmupPriority=idle"), e.getMessage());
      assertFalse(w.warm(), "nothing started");
    } finally {
      if (before == null) {
        System.clearProperty(BackgroundPriority.PROPERTY);
      } else {
        System.setProperty(BackgroundPriority.PROPERTY, before);
      }
    }
  }

  @Test
  void niceIsReadAfterACommandNameWithSpacesAndParentheses(
      @org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
    Path stat = dir.resolve("stat");
    Files.writeString(
        stat, "4242 (C2 (x) Thread) S 1 2 3 0 -1 4194624 10 0 0 0 5 6 0 0 39 19 1 0 77 0 0");
    assertEquals(19, BackgroundPriority.niceOf(stat));
    Files.writeString(stat, "garbage");
    assertEquals(Integer.MIN_VALUE, BackgroundPriority.niceOf(stat));
  }

  private static Path warmUpThreadStat() throws IOException {
    try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        String comm = Files.readString(task.resolve("comm"), StandardCharsets.US_ASCII).trim();
        // Linux keeps 15 characters of a thread's name.
        if ("graft-jit-warmup".startsWith(comm) && comm.length() >= 12) {
          return task.resolve("stat");
        }
      }
    }
    throw new AssertionError("no graft-jit-warmup thread in /proc/self/task");
  }
}
