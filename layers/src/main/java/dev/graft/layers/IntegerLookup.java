package dev.graft.layers;

import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code IntegerLookup}: maps whole numbers (held in a float tensor, as Keras's int64
 * values) to indices of a vocabulary learned with {@link #adapt} or given, then encodes them like
 * {@link StringLookup}. Defaults as Keras: OOV token {@code -1} at index 0, no mask token; with
 * several OOV indices a value goes to {@code value mod num_oov_indices} (Keras's {@code floormod}).
 * It runs on the data before the model's numeric graph (see {@link FeedEncoder}).
 */
public final class IntegerLookup extends IndexLookup<Long> {
  /** Keras's defaults: no mask token, one OOV index ({@code -1}), {@code int} output. */
  public IntegerLookup() {
    this(null, 1, null, -1L, "int", false);
  }

  /**
   * A lookup with Keras's arguments.
   *
   * @param maxTokens the largest vocabulary, special indices included, or {@code null}
   * @param numOovIndices the number of out-of-vocabulary indices
   * @param maskToken the value mapped to index 0, or {@code null}
   * @param oovToken the value listed for OOV indices (Keras: -1)
   * @param outputMode {@code int}, {@code one_hot}, {@code multi_hot}, {@code count} or {@code
   *     tf_idf}
   * @param padToMaxTokens true to give bag outputs {@code maxTokens} columns
   * @throws IllegalArgumentException in Keras's words for an invalid argument
   */
  public IntegerLookup(
      Integer maxTokens,
      int numOovIndices,
      Long maskToken,
      Long oovToken,
      String outputMode,
      boolean padToMaxTokens) {
    super(
        "IntegerLookup", maxTokens, numOovIndices, maskToken, oovToken, outputMode, padToMaxTokens);
  }

  @Override
  public IntegerLookup vocabulary(List<Long> vocabulary) {
    super.vocabulary(vocabulary);
    return this;
  }

  @Override
  protected int compareTokens(Long a, Long b) {
    return Long.compare(a, b);
  }

  @Override
  protected Long parseToken(String line) {
    return Long.parseLong(line.trim());
  }

  @Override
  protected int oovBucket(Long token) {
    return (int) Math.floorMod(token, (long) numOovIndices());
  }

  /**
   * Keras's {@code adapt(data)}: learns the vocabulary from a tensor, or an {@code Iterable} of
   * tensor batches; each row is one document.
   *
   * @param data a tensor of whole numbers, or an {@code Iterable} of them
   * @return this layer, for chaining
   */
  public IntegerLookup adapt(Object data) {
    resetState();
    for (Object batch : Adapt.batches(data)) {
      Tensor t = tensor(batch);
      long[] v = Categorical.longs(t);
      int rows = t.rank() == 0 ? 1 : t.shape().dim(0);
      int per = rows == 0 ? 0 : v.length / rows;
      List<List<Long>> docs = new ArrayList<>();
      for (int r = 0; r < rows; r++) {
        List<Long> doc = new ArrayList<>(per);
        for (int k = 0; k < per; k++) {
          doc.add(v[r * per + k]);
        }
        docs.add(doc);
      }
      updateState(docs);
    }
    finalizeState();
    return this;
  }

  private Tensor tensor(Object batch) {
    if (batch instanceof Tensor t) {
      return t;
    }
    throw new IllegalArgumentException(
        "Layer \""
            + name()
            + "\" takes a Tensor of whole numbers; received "
            + (batch == null ? "null" : batch.getClass().getSimpleName()));
  }

  /**
   * Keras's {@code layer(values)}: looks up and encodes one batch.
   *
   * @param values a tensor of whole numbers
   * @return the indices ({@code int} mode) or the encoded rows
   */
  public Tensor apply(Tensor values) {
    return encode(values);
  }

  @Override
  public Tensor encode(Object batch) {
    Tensor t = tensor(batch);
    long[] v = Categorical.longs(t);
    int[] ids = new int[v.length];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = indexOf(v[i]);
    }
    return encodeIndices(ids, t.shape());
  }

  @Override
  public List<Shape> outputShapes(List<Shape> in) {
    if (in.size() != 1) {
      throw new IllegalArgumentException(
          "Layer \"" + name() + "\" takes one input; it was called on " + in.size());
    }
    return List.of(encodedShape(in.get(0)));
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("vocabulary_dtype", "int64");
    c.put("oov_method", "floormod");
    c.put("salt", null);
    return c;
  }
}
