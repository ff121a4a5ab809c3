package dev.graft.dsl.data;

import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A lazy sequence of elements read on demand, Keras's {@code tf.data.Dataset}: built from a source
 * ({@link #fromTensorSlices}, {@link #fromNpy}, {@link Csv}, {@link ImageFolder}, {@link
 * TextFolder}, {@link #textLines}), transformed by chaining ({@link #map}, {@link #filter}, {@link
 * #shuffle}, {@link #batch}, {@link #paddedBatch}, {@link #prefetch}, {@link #cache}, {@link
 * #take}, {@link #skip}, {@link #repeat}), and fed to {@code Model.fit}, {@code evaluate} and
 * {@code predict}. Nothing is read until a pass starts; each pass (an epoch of {@code fit}, a
 * for-each loop) reads the data again, except after {@link #cache}.
 *
 * <p>An element is whatever the source gives: a {@link Tensor} (a row of one array), a {@code
 * List<Tensor>} (a row of several arrays: the inputs, then the targets), a {@link String}, a CSV
 * {@link Row}. {@link #batch(int)} stacks tensor elements into one tensor per component; other
 * elements are batched into arrays ({@code lines.batch(64, String[]::new)}).
 *
 * <pre>{@code
 * Graft.seed(42);
 * Dataset<List<Tensor>> train = Dataset.fromTensorSlices(x, y).shuffle(1024).batch(32).prefetch(2);
 * model.fit(train, epochs(5));
 * }</pre>
 *
 * <p>Order is deterministic: {@link #map} keeps its input order on any number of threads, and
 * {@link #shuffle} draws its seed from {@code Graft.seed} when the dataset is made (a new order
 * each pass, the same sequence of orders for the same seed).
 *
 * @param <E> the element type
 */
public abstract class Dataset<E> implements Iterable<E> {
  /** {@link #cardinality()} of a dataset that never ends ({@code tf.data.INFINITE_CARDINALITY}). */
  public static final long INFINITE = -1;

  /** {@link #cardinality()} when the length is not known before a pass ends. */
  public static final long UNKNOWN = -2;

  /** As many worker threads as there are processors, for {@link #map(Function, int)}. */
  public static final int AUTOTUNE = -1;

  Dataset() {}

  /** Starts one pass. */
  abstract Cursor<E> cursor();

  /**
   * The number of elements of one pass, if known without reading the data; {@link #INFINITE} or
   * {@link #UNKNOWN} otherwise (after {@link #filter}, for text lines).
   *
   * @return the element count, {@link #INFINITE} or {@link #UNKNOWN}
   */
  public abstract long cardinality();

  /** A dataset opening {@code open} for each pass. */
  static <E> Dataset<E> lazy(long cardinality, Supplier<Cursor<E>> open) {
    return new Dataset<>() {
      @Override
      Cursor<E> cursor() {
        return open.get();
      }

      @Override
      public long cardinality() {
        return cardinality;
      }
    };
  }

  // ---- sources ----

  /**
   * The rows of {@code x} ({@code tf.data.Dataset.from_tensor_slices(x)}).
   *
   * @param x the array, first axis the rows
   * @return a dataset of {@code x.dim(0)} tensors, each one row without the first axis
   */
  public static Dataset<Tensor> fromTensorSlices(Tensor x) {
    int n = rows(x, "x");
    return lazy(n, () -> Cursors.indexed(n, i -> row(x, i)));
  }

  /**
   * Rows of several arrays with the same number of rows, as lists: {@code fromTensorSlices(x, y)}
   * gives {@code [x[i], y[i]]}, what {@code fit} takes once batched.
   *
   * @param x the first array (usually the inputs)
   * @param y the second array (usually the targets)
   * @param more further arrays
   * @return a dataset of lists, one row of each array
   */
  public static Dataset<List<Tensor>> fromTensorSlices(Tensor x, Tensor y, Tensor... more) {
    List<Tensor> all = new ArrayList<>(List.of(x, y));
    all.addAll(List.of(more));
    return fromTensorSlices(all);
  }

  /**
   * Rows of several arrays with the same number of rows (inputs, then targets), as lists.
   *
   * @param arrays the arrays, each with the same first dimension
   * @return a dataset of lists, one row of each array
   */
  public static Dataset<List<Tensor>> fromTensorSlices(List<Tensor> arrays) {
    if (arrays.isEmpty()) {
      throw new IllegalArgumentException("fromTensorSlices: no tensors given");
    }
    int n = rows(arrays.get(0), "tensor 0");
    for (int k = 1; k < arrays.size(); k++) {
      if (rows(arrays.get(k), "tensor " + k) != n) {
        throw new IllegalArgumentException(
            "fromTensorSlices: tensor "
                + k
                + " has shape "
                + arrays.get(k).shape()
                + " but tensor 0 has "
                + n
                + " rows "
                + arrays.get(0).shape()
                + ": all must have the same first dimension");
      }
    }
    List<Tensor> copy = List.copyOf(arrays);
    return lazy(
        n,
        () ->
            Cursors.indexed(
                n,
                i -> {
                  List<Tensor> e = new ArrayList<>(copy.size());
                  for (Tensor t : copy) {
                    e.add(row(t, i));
                  }
                  return e;
                }));
  }

  private static int rows(Tensor t, String what) {
    if (t.rank() == 0) {
      throw new IllegalArgumentException(
          "fromTensorSlices: " + what + " is a scalar; slicing needs at least one axis");
    }
    return t.shape().dim(0);
  }

  /** Row {@code i} of {@code t}, a view (shape without the first axis). */
  static Tensor row(Tensor t, int i) {
    Tensor r = t.slice(i, i + 1);
    return r.reshape(t.shape().dropFirst());
  }

  /**
   * The elements of a list, in order.
   *
   * @param <E> the element type
   * @param elements the elements
   * @return a dataset of them
   */
  public static <E> Dataset<E> fromList(List<E> elements) {
    List<E> copy = List.copyOf(elements);
    return lazy(copy.size(), () -> Cursors.indexed(copy.size(), copy::get));
  }

  /**
   * The integers {@code 0 .. n-1} ({@code tf.data.Dataset.range}); map them to load by index.
   *
   * @param n the count, 0 or more
   * @return a dataset of {@code n} integers
   */
  public static Dataset<Integer> range(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("range: n must be >= 0; Received: n=" + n);
    }
    return lazy(n, () -> Cursors.indexed(n, i -> i));
  }

  /**
   * Elements from a fresh iterator per pass ({@code tf.data.Dataset.from_generator}); the length is
   * unknown until a pass ends.
   *
   * @param <E> the element type
   * @param generator makes one iterator per pass
   * @return a dataset of the iterators' elements
   */
  public static <E> Dataset<E> fromGenerator(Supplier<? extends Iterator<? extends E>> generator) {
    return lazy(UNKNOWN, () -> Cursors.of(generator.get()));
  }

  /**
   * The lines of text files, without their line ends ({@code tf.data.TextLineDataset}); files
   * ending in {@code .gz} are decompressed. A missing file is an error now, naming it.
   *
   * @param files the files, read one after another
   * @return a dataset of lines
   */
  public static Dataset<String> textLines(Path... files) {
    return TextSources.lines(List.of(files));
  }

  /**
   * The rows of one array stored as {@code .npy} shards (one file or several, concatenated along
   * the first axis), memory-mapped and read on demand: the heap holds only the rows in flight.
   * Every shard's header is checked now (same dtype-convertible type, same shape after the first
   * axis, file length), so a wrong shard is an error naming it before training starts.
   *
   * @param shards the {@code .npy} files, in order
   * @return a dataset of rows (tensors without the first axis)
   */
  public static Dataset<Tensor> fromNpy(Path... shards) {
    return fromNpy(List.of(shards));
  }

  /**
   * As {@link #fromNpy(Path...)}, for a list of shards.
   *
   * @param shards the {@code .npy} files, in order
   * @return a dataset of rows
   */
  public static Dataset<Tensor> fromNpy(List<Path> shards) {
    NpyShards s = NpyShards.open(shards);
    return lazy(s.rows(), () -> Cursors.indexed(s.rows(), s::row));
  }

  /**
   * Datasets read side by side, element {@code i} of each gathered into one list ({@code
   * tf.data.Dataset.zip}): {@code zip(fromNpy(xShards), fromNpy(yShards))}. The pass ends with the
   * shortest.
   *
   * @param parts the datasets, each of tensors
   * @return a dataset of lists, one element of each part
   */
  @SafeVarargs
  public static Dataset<List<Tensor>> zip(Dataset<Tensor>... parts) {
    List<Dataset<Tensor>> ds = new ArrayList<>();
    for (Dataset<Tensor> d : parts) {
      ds.add(d);
    }
    long card = INFINITE;
    for (Dataset<Tensor> d : ds) {
      long c = d.cardinality();
      if (c == UNKNOWN || card == UNKNOWN) {
        card = c == UNKNOWN || card == INFINITE ? UNKNOWN : card;
      } else if (c != INFINITE) {
        card = card == INFINITE ? c : Math.min(card, c);
      }
    }
    return lazy(card, () -> Cursors.zip(ds));
  }

  // ---- transformations ----

  /**
   * Applies {@code fn} to each element on worker threads (one per processor), keeping the order.
   * {@code fn} must be safe to call from several threads at once.
   *
   * @param <R> the new element type
   * @param fn the function, safe to call from several threads
   * @return a new dataset; this one is unchanged
   */
  public <R> Dataset<R> map(Function<? super E, ? extends R> fn) {
    return map(fn, AUTOTUNE);
  }

  /**
   * Applies {@code fn} on {@code parallelism} worker threads ({@link #AUTOTUNE}: one per processor;
   * Keras's {@code num_parallel_calls}), keeping the order. {@code 0} runs it in the thread that
   * reads the dataset.
   *
   * @param <R> the new element type
   * @param fn the function
   * @param parallelism the number of worker threads, {@link #AUTOTUNE} or 0
   * @return a new dataset; this one is unchanged
   */
  public <R> Dataset<R> map(Function<? super E, ? extends R> fn, int parallelism) {
    if (parallelism < AUTOTUNE) {
      throw new IllegalArgumentException(
          "map: parallelism must be >= 0 or AUTOTUNE; Received: num_parallel_calls=" + parallelism);
    }
    int threads =
        parallelism == AUTOTUNE ? Runtime.getRuntime().availableProcessors() : parallelism;
    return lazy(
        cardinality(),
        () ->
            threads == 0
                ? Cursors.map(cursor(), fn)
                : new ParallelMapCursor<>(cursor(), fn, threads));
  }

  /**
   * Keeps the elements for which {@code keep} is true.
   *
   * @param keep the test an element must pass
   * @return a new dataset; this one is unchanged
   */
  public Dataset<E> filter(Predicate<? super E> keep) {
    return lazy(
        cardinality() == INFINITE ? INFINITE : UNKNOWN, () -> Cursors.filter(cursor(), keep));
  }

  /**
   * Shuffles with a buffer of {@code bufferSize} elements, as {@code tf.data}: each element out is
   * drawn at random from the buffer, which the next element in refills. A buffer at least as large
   * as the dataset shuffles it uniformly. The order changes each pass; the seed comes from {@code
   * Graft.seed} now.
   *
   * @param bufferSize the number of elements held, at least 1
   * @return a new dataset; this one is unchanged
   */
  public Dataset<E> shuffle(int bufferSize) {
    return shuffle(bufferSize, Rng.global().nextLong());
  }

  /**
   * {@link #shuffle(int)} with its own seed.
   *
   * @param bufferSize the number of elements held, at least 1
   * @param seed the seed of the shuffling
   * @return a new dataset; this one is unchanged
   */
  public Dataset<E> shuffle(int bufferSize, long seed) {
    if (bufferSize < 1) {
      throw new IllegalArgumentException(
          "shuffle: buffer_size must be >= 1; Received: buffer_size=" + bufferSize);
    }
    Rng passes = new Rng(seed);
    return lazy(cardinality(), () -> new ShuffleCursor<>(cursor(), bufferSize, passes.split()));
  }

  /**
   * Groups consecutive elements into batches of {@code size} (the last one may be smaller), each
   * tensor component stacked along a new first axis: {@code Tensor} elements give a {@code Tensor},
   * {@code List<Tensor>} elements a list of stacked tensors. Elements of other types are batched
   * with {@link #batch(int, IntFunction)}.
   *
   * @param size the number of elements per batch, at least 1
   * @return a new dataset; this one is unchanged
   */
  public Dataset<E> batch(int size) {
    return batch(size, false);
  }

  /**
   * {@link #batch(int)}, dropping a last batch smaller than {@code size} if asked.
   *
   * @param size the number of elements per batch, at least 1
   * @param dropRemainder true to drop a short last batch
   * @return a new dataset; this one is unchanged
   */
  public Dataset<E> batch(int size, boolean dropRemainder) {
    checkBatch(size);
    return lazy(
        batches(size, dropRemainder),
        () -> new BatchCursor<>(cursor(), size, dropRemainder, Batching::stack));
  }

  /**
   * Groups consecutive elements into arrays of up to {@code size}: {@code lines.batch(64,
   * String[]::new)} gives {@code String[]} batches for a {@code TextVectorization}.
   *
   * @param size the number of elements per batch, at least 1
   * @param newArray makes an array of a given length, e.g. {@code String[]::new}
   * @return a new dataset of arrays
   */
  public Dataset<E[]> batch(int size, IntFunction<E[]> newArray) {
    return batch(size, false, newArray);
  }

  /**
   * {@link #batch(int, IntFunction)}, dropping a last short batch if asked.
   *
   * @param size the number of elements per batch, at least 1
   * @param dropRemainder true to drop a short last batch
   * @param newArray makes an array of a given length
   * @return a new dataset of arrays
   */
  public Dataset<E[]> batch(int size, boolean dropRemainder, IntFunction<E[]> newArray) {
    checkBatch(size);
    return lazy(
        batches(size, dropRemainder),
        () -> new BatchCursor<>(cursor(), size, dropRemainder, b -> b.toArray(newArray)));
  }

  /**
   * Batches variable-length tensors ({@code padded_batch}): each component is padded with zeros at
   * the end of every axis to the largest shape in its batch, so token sequences of different
   * lengths stack into {@code (batch, longest)}.
   *
   * @param size the number of elements per batch, at least 1
   * @return a new dataset; this one is unchanged
   */
  public Dataset<E> paddedBatch(int size) {
    return paddedBatch(size, false, 0f);
  }

  /**
   * {@link #paddedBatch(int)} with a padding value and the choice to drop a last short batch.
   *
   * @param size the number of elements per batch, at least 1
   * @param dropRemainder true to drop a short last batch
   * @param paddingValue the value padded positions take
   * @return a new dataset; this one is unchanged
   */
  public Dataset<E> paddedBatch(int size, boolean dropRemainder, float paddingValue) {
    checkBatch(size);
    return lazy(
        batches(size, dropRemainder),
        () ->
            new BatchCursor<>(
                cursor(), size, dropRemainder, b -> Batching.padded(b, paddingValue)));
  }

  private static void checkBatch(int size) {
    if (size < 1) {
      throw new IllegalArgumentException(
          "batch: batch_size must be >= 1; Received: batch_size=" + size);
    }
  }

  private long batches(int size, boolean dropRemainder) {
    long c = cardinality();
    if (c < 0) {
      return c;
    }
    return dropRemainder ? c / size : (c + size - 1) / size;
  }

  /**
   * Reads up to {@code bufferSize} elements ahead on a background thread, so loading the next
   * batches overlaps the training step ({@link #AUTOTUNE}: 2). An error met there is thrown in the
   * reading thread, with its cause; the thread ends with the pass.
   *
   * @param bufferSize the number of elements read ahead, or {@link #AUTOTUNE}
   * @return a new dataset; this one is unchanged
   */
  public Dataset<E> prefetch(int bufferSize) {
    if (bufferSize < AUTOTUNE || bufferSize == 0) {
      throw new IllegalArgumentException(
          "prefetch: buffer_size must be >= 1 or AUTOTUNE; Received: buffer_size=" + bufferSize);
    }
    int n = bufferSize == AUTOTUNE ? 2 : bufferSize;
    return lazy(cardinality(), () -> new PrefetchCursor<>(cursor(), n));
  }

  /**
   * Keeps the elements of the first complete pass in memory; later passes replay them without
   * reading the source again. A pass stopped early caches nothing.
   *
   * @return a new dataset; this one is unchanged
   */
  public Dataset<E> cache() {
    return new CacheDataset<>(this, null);
  }

  /**
   * Keeps the elements of the first complete pass in {@code file} (tensors, lists of tensors,
   * strings and string arrays), which later passes, and later runs, read instead of the source. A
   * pass stopped early leaves no file.
   *
   * @param file the cache file; a complete one from an earlier run is read instead of the source
   * @return a new dataset; this one is unchanged
   */
  public Dataset<E> cache(Path file) {
    return new CacheDataset<>(this, file);
  }

  /**
   * The first {@code n} elements.
   *
   * @param n the number of elements kept, 0 or more
   * @return a new dataset; this one is unchanged
   */
  public Dataset<E> take(long n) {
    checkCount("take", n);
    long c = cardinality();
    long card = c == INFINITE ? n : c == UNKNOWN ? UNKNOWN : Math.min(n, c);
    return lazy(card, () -> Cursors.take(cursor(), n));
  }

  /**
   * All but the first {@code n} elements.
   *
   * @param n the number of elements skipped, 0 or more
   * @return a new dataset; this one is unchanged
   */
  public Dataset<E> skip(long n) {
    checkCount("skip", n);
    long c = cardinality();
    return lazy(c >= 0 ? Math.max(0, c - n) : c, () -> Cursors.skip(cursor(), n));
  }

  /**
   * The elements over and over, each pass restarting the source ({@code repeat()}).
   *
   * @return a new dataset; this one is unchanged
   */
  public Dataset<E> repeat() {
    long c = cardinality();
    return lazy(c == 0 ? 0 : INFINITE, () -> Cursors.repeat(this, Long.MAX_VALUE));
  }

  /**
   * The elements {@code count} times over.
   *
   * @param count the number of passes, 0 or more
   * @return a new dataset; this one is unchanged
   */
  public Dataset<E> repeat(long count) {
    checkCount("repeat", count);
    long c = cardinality();
    return lazy(c >= 0 ? c * count : c, () -> Cursors.repeat(this, count));
  }

  private static void checkCount(String what, long n) {
    if (n < 0) {
      throw new IllegalArgumentException(what + ": count must be >= 0; Received: count=" + n);
    }
  }

  // ---- reading ----

  /** Starts a pass; close the iterator if the loop may stop before the end. */
  @Override
  public DataIterator<E> iterator() {
    return new DataIterator<>(cursor());
  }

  /** Runs {@code action} on every element of one pass; the pass's threads end with it. */
  @Override
  public void forEach(Consumer<? super E> action) {
    try (DataIterator<E> it = iterator()) {
      while (it.hasNext()) {
        action.accept(it.next());
      }
    }
  }

  /**
   * The elements of one pass, in a list (for small datasets and tests).
   *
   * @return a new list
   */
  public List<E> toList() {
    if (cardinality() == INFINITE) {
      throw new IllegalStateException("toList: the dataset is infinite; take(n) first");
    }
    List<E> out = new ArrayList<>();
    forEach(out::add);
    return out;
  }
}
