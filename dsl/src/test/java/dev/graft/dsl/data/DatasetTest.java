package dev.graft.dsl.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.Graft;
import dev.graft.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dataset transformations, their order, their threads and their errors. */
class DatasetTest {
  /** The dataset threads alive now (their names start with {@code graft-data-}). */
  static List<String> dataThreads() {
    List<String> out = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith(Threads.PREFIX) && t.isAlive()) {
        out.add(t.getName());
      }
    }
    return out;
  }

  @AfterEach
  void noThreadOutlivesItsPass() {
    assertEquals(List.of(), dataThreads());
  }

  private static List<Integer> ints(Dataset<Integer> d) {
    return d.toList();
  }

  @Test
  void takeSkipRepeatFilterAndCardinality() {
    Dataset<Integer> r = Dataset.range(10);
    assertEquals(10, r.cardinality());
    assertEquals(List.of(0, 1, 2), ints(r.take(3)));
    assertEquals(List.of(8, 9), ints(r.skip(8)));
    assertEquals(List.of(0, 1, 0, 1, 0, 1), ints(r.take(2).repeat(3)));
    assertEquals(6, r.take(2).repeat(3).cardinality());
    assertEquals(Dataset.INFINITE, r.repeat().cardinality());
    assertEquals(List.of(0, 1, 2, 0, 1), ints(r.take(3).repeat().take(5)));
    assertEquals(List.of(0, 2, 4, 6, 8), ints(r.filter(i -> i % 2 == 0)));
    assertEquals(Dataset.UNKNOWN, r.filter(i -> true).cardinality());
    assertEquals(4, r.batch(3, Integer[]::new).cardinality());
    assertEquals(3, r.batch(3, true, Integer[]::new).cardinality());
    assertEquals(List.of(), ints(r.filter(i -> false).repeat().take(3)));
  }

  @Test
  void parallelMapKeepsOrder() {
    List<Integer> out = Dataset.range(500).map(i -> i * i, 4).toList();
    for (int i = 0; i < 500; i++) {
      assertEquals(i * i, out.get(i));
    }
    assertEquals(List.of(0, 1, 4), Dataset.range(3).map(i -> i * i, 0).toList());
  }

  @Test
  void batchStacksTensorsAndArraysStrings() {
    Tensor x = Tensor.arange(10).reshape(5, 2);
    Tensor y = Tensor.of(0, 1, 0, 1, 1).reshape(5, 1);
    List<List<Tensor>> batches = Dataset.fromTensorSlices(x, y).batch(2).toList();
    assertEquals(3, batches.size());
    assertArrayEquals(new int[] {2, 2}, batches.get(0).get(0).shape().toArray());
    assertArrayEquals(new float[] {0, 1, 2, 3}, batches.get(0).get(0).toArray());
    assertArrayEquals(new float[] {0, 1}, batches.get(0).get(1).toArray());
    assertArrayEquals(new int[] {1, 2}, batches.get(2).get(0).shape().toArray());
    assertEquals(2, Dataset.fromTensorSlices(x, y).batch(2, true).toList().size());

    List<String[]> text =
        Dataset.fromList(List.of("a b", "c", "d e f")).batch(2, String[]::new).toList();
    assertArrayEquals(new String[] {"a b", "c"}, text.get(0));
    assertArrayEquals(new String[] {"d e f"}, text.get(1));

    var e =
        assertThrows(
            DataException.class, () -> Dataset.fromList(List.of("a", "b")).batch(2).toList());
    assertTrue(e.getMessage().contains("batch(size, String[]::new)"), e.getMessage());
  }

  @Test
  void paddedBatchPadsSequencesToTheLongest() {
    Dataset<Tensor> seqs =
        Dataset.fromList(List.of(Tensor.of(1, 2, 3), Tensor.of(4), Tensor.of(5, 6)));
    List<Tensor> b = seqs.paddedBatch(3).toList();
    assertArrayEquals(new int[] {3, 3}, b.get(0).shape().toArray());
    assertArrayEquals(new float[] {1, 2, 3, 4, 0, 0, 5, 6, 0}, b.get(0).toArray());
    var e = assertThrows(DataException.class, () -> seqs.batch(3).toList());
    assertTrue(e.getMessage().contains("paddedBatch"), e.getMessage());
    Tensor grid = seqs.map(t -> t.reshape(1, t.size())).paddedBatch(2, false, -1f).toList().get(0);
    assertArrayEquals(new int[] {2, 1, 3}, grid.shape().toArray());
    assertArrayEquals(new float[] {1, 2, 3, 4, -1, -1}, grid.toArray());
  }

  @Test
  void shuffleIsDeterministicUnderGraftSeedAndChangesEachPass() {
    Graft.seed(11);
    Dataset<Integer> a = Dataset.range(100).shuffle(100);
    List<Integer> a1 = a.toList();
    List<Integer> a2 = a.toList();
    Graft.seed(11);
    Dataset<Integer> b = Dataset.range(100).shuffle(100);
    assertEquals(a1, b.toList());
    assertEquals(a2, b.toList());
    assertNotEquals(a1, a2);
    assertNotEquals(ints(Dataset.range(100)), a1);
    List<Integer> sorted = new ArrayList<>(a1);
    sorted.sort(null);
    assertEquals(ints(Dataset.range(100)), sorted);
    // A buffer of 1 keeps the order; a small buffer only moves elements a little ahead.
    assertEquals(ints(Dataset.range(20)), Dataset.range(20).shuffle(1, 3).toList());
    List<Integer> local = Dataset.range(50).shuffle(4, 3).toList();
    for (int i = 0; i < 50; i++) {
      assertTrue(local.get(i) <= i + 3, "element " + local.get(i) + " came out at " + i);
    }
  }

  @Test
  void prefetchLoadsTheNextElementWhileTheReaderWorks() throws Exception {
    // Element 1 is produced while the reader still holds element 0 and has not asked again: the
    // reader waits for that signal, which a loader working only on demand never gives.
    CountDownLatch secondProduced = new CountDownLatch(1);
    Dataset<Integer> d =
        Dataset.range(3)
            .map(
                i -> {
                  if (i == 1) {
                    secondProduced.countDown();
                  }
                  return i;
                },
                0)
            .prefetch(1);
    try (DataIterator<Integer> it = d.iterator()) {
      assertEquals(0, it.next());
      assertTrue(
          secondProduced.await(30, TimeUnit.SECONDS), "prefetch did not read ahead of the step");
      assertEquals(1, it.next());
      assertEquals(2, it.next());
      assertTrue(!it.hasNext());
    }
  }

  @Test
  void backgroundErrorsReachTheReaderWithTheirCause() {
    Dataset<Integer> bad =
        Dataset.range(10)
            .map(
                i -> {
                  if (i == 4) {
                    throw new IllegalStateException("element four is broken");
                  }
                  return i;
                },
                2)
            .prefetch(2);
    List<Integer> got = new ArrayList<>();
    var e = assertThrows(DataException.class, () -> bad.forEach(got::add));
    assertEquals(List.of(0, 1, 2, 3), got);
    assertTrue(e.getMessage().contains("element four is broken"), e.getMessage());
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    assertInstanceOf(IllegalStateException.class, root);
  }

  @Test
  void closingEarlyStopsTheThreads() {
    AtomicInteger produced = new AtomicInteger();
    Dataset<Integer> d =
        Dataset.range(1_000_000).map(i -> produced.incrementAndGet(), 2).prefetch(4);
    try (DataIterator<Integer> it = d.iterator()) {
      it.next();
      it.next();
    }
    assertTrue(produced.get() < 1000, "the pass went on after close: " + produced.get());
  }

  @Test
  void cacheReadsTheSourceOnceInMemoryAndFromAFile(@TempDir Path dir) {
    AtomicInteger reads = new AtomicInteger();
    Dataset<Tensor> src =
        Dataset.range(5).map(i -> Tensor.of(i, reads.incrementAndGet() * 0f + i), 0);
    Dataset<Tensor> mem = src.cache();
    List<Tensor> first = mem.toList();
    List<Tensor> second = mem.toList();
    assertEquals(5, reads.get());
    assertArrayEquals(first.get(3).toArray(), second.get(3).toArray());

    reads.set(0);
    Path file = dir.resolve("cache.bin");
    mem = src.cache(file);
    mem.take(2).toList(); // stopped early: no file
    assertTrue(!java.nio.file.Files.exists(file));
    mem.toList();
    int afterFirst = reads.get();
    List<Tensor> again = src.cache(file).toList(); // a new dataset reads the file
    assertEquals(afterFirst, reads.get());
    assertArrayEquals(new float[] {4, 4}, again.get(4).toArray());

    Path text = dir.resolve("text.bin");
    Dataset<String[]> lines = Dataset.fromList(List.of("é", "b", "c")).batch(2, String[]::new);
    lines.cache(text).toList();
    assertArrayEquals(new String[] {"é", "b"}, lines.cache(text).toList().get(0));
  }

  @Test
  void zipGathersSideBySide() {
    Dataset<List<Tensor>> z =
        Dataset.zip(
            Dataset.fromTensorSlices(Tensor.arange(4)),
            Dataset.fromTensorSlices(Tensor.arange(3).reshape(3, 1)));
    assertEquals(3, z.cardinality());
    List<List<Tensor>> b = z.batch(3).toList();
    assertArrayEquals(new int[] {3}, b.get(0).get(0).shape().toArray());
    assertArrayEquals(new int[] {3, 1}, b.get(0).get(1).shape().toArray());
  }

  @Test
  void argumentsAreChecked() {
    assertThrows(IllegalArgumentException.class, () -> Dataset.range(3).batch(0));
    assertThrows(IllegalArgumentException.class, () -> Dataset.range(3).shuffle(0));
    assertThrows(IllegalArgumentException.class, () -> Dataset.range(3).prefetch(0));
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> Dataset.fromTensorSlices(Tensor.zeros(3, 2), Tensor.zeros(4)));
    assertTrue(e.getMessage().contains("same first dimension"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> Dataset.range(3).repeat().toList());
  }
}
