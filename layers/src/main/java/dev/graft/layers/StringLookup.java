package dev.graft.layers;

import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code StringLookup}: maps strings to indices of a vocabulary (learned with {@link
 * #adapt} or given), then encodes them ({@code output_mode} {@code int}, {@code one_hot}, {@code
 * multi_hot}, {@code count} or {@code tf_idf}). It runs on the data before the model's numeric
 * graph (see {@link FeedEncoder}).
 *
 * <pre>{@code
 * jshell> var lookup = stringLookup().vocabulary(List.of("a", "b", "c", "d"));
 * jshell> lookup.apply(new String[][] {{"a", "c", "d"}, {"d", "z", "b"}})
 * $2 ==> [[1, 3, 4], [4, 0, 2]]
 * }</pre>
 */
public final class StringLookup extends IndexLookup<String> {
  /** Keras's defaults: no mask token, one OOV index {@code "[UNK]"}, {@code int} output. */
  public StringLookup() {
    this(null, 1, null, "[UNK]", "int", false);
  }

  /**
   * A lookup with Keras's arguments.
   *
   * @param maxTokens the largest vocabulary, special indices included, or {@code null}
   * @param numOovIndices the number of out-of-vocabulary indices
   * @param maskToken the string mapped to index 0, or {@code null}
   * @param oovToken the string listed for OOV indices (Keras: {@code [UNK]})
   * @param outputMode {@code int}, {@code one_hot}, {@code multi_hot}, {@code count} or {@code
   *     tf_idf}
   * @param padToMaxTokens true to give bag outputs {@code maxTokens} columns
   * @throws IllegalArgumentException in Keras's words for an invalid argument
   */
  public StringLookup(
      Integer maxTokens,
      int numOovIndices,
      String maskToken,
      String oovToken,
      String outputMode,
      boolean padToMaxTokens) {
    super(
        "StringLookup", maxTokens, numOovIndices, maskToken, oovToken, outputMode, padToMaxTokens);
  }

  @Override
  public StringLookup vocabulary(List<String> vocabulary) {
    super.vocabulary(vocabulary);
    return this;
  }

  @Override
  public StringLookup vocabulary(List<String> vocabulary, float[] idfWeights) {
    super.vocabulary(vocabulary, idfWeights);
    return this;
  }

  @Override
  protected int compareTokens(String a, String b) {
    return compareUtf8(a, b);
  }

  /** Compares as UTF-8 bytes do (code point order), as Keras's sort of byte strings. */
  static int compareUtf8(String a, String b) {
    int i = 0;
    int j = 0;
    while (i < a.length() && j < b.length()) {
      int ca = a.codePointAt(i);
      int cb = b.codePointAt(j);
      if (ca != cb) {
        return Integer.compare(ca, cb);
      }
      i += Character.charCount(ca);
      j += Character.charCount(cb);
    }
    return Integer.compare(a.length() - i, b.length() - j);
  }

  @Override
  protected String parseToken(String line) {
    return line;
  }

  @Override
  protected int oovBucket(String token) {
    return (int) Long.remainderUnsigned(FarmHash.fingerprint64(token), numOovIndices());
  }

  /**
   * Keras's {@code adapt(data)}: learns the vocabulary from strings: a {@code String[]}, a {@code
   * String[][]}, a {@code List} of strings, or an {@code Iterable} of such batches (a dataset);
   * each sample (a string, or a row) is one document.
   *
   * @param data the documents
   * @return this layer, for chaining
   */
  public StringLookup adapt(Object data) {
    resetState();
    for (Object batch : Adapt.batches(data)) {
      StringBatch b = StringBatch.of(batch, name());
      int per = b.shape().rank() == 1 ? 1 : b.shape().dim(1);
      List<List<String>> docs = new ArrayList<>();
      // one list for the whole batch: copying it per row made adapt quadratic in the batch size
      List<String> values = List.of(b.values());
      for (int r = 0; r < b.rows(); r++) {
        docs.add(values.subList(r * per, (r + 1) * per));
      }
      updateState(docs);
    }
    finalizeState();
    return this;
  }

  /**
   * Keras's {@code layer(strings)}: looks up and encodes one batch of strings.
   *
   * @param strings a batch of strings
   * @return the indices ({@code int} mode) or the encoded rows
   */
  public Tensor apply(Object strings) {
    return encode(strings);
  }

  @Override
  public Tensor encode(Object batch) {
    StringBatch b = StringBatch.of(batch, name());
    int[] ids = new int[b.values().length];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = indexOf(b.values()[i]);
    }
    return encodeIndices(ids, b.shape());
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
    c.put("oov_method", "floormod");
    c.put("salt", null);
    c.put("encoding", "utf-8");
    return c;
  }
}
