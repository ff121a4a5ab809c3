package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.dsl.Layer;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keras's {@code IndexLookup}, the base of {@link StringLookup} and {@link IntegerLookup} (and the
 * lookup inside {@link TextVectorization}): a vocabulary of tokens mapped to indices, learned by
 * {@code adapt} or set, and the encodings of the looked-up indices.
 *
 * <p>Indices, as Keras assigns them: with a mask token and {@code output_mode="int"}, the mask is
 * index 0; then come {@code num_oov_indices} out-of-vocabulary indices, then the tokens. {@code
 * adapt} orders the tokens by count, most frequent first, ties broken by the tokens themselves in
 * descending order (Keras's {@code np.lexsort((tokens, counts))[::-1]}: strings compare by their
 * UTF-8 bytes, integers by value), and keeps {@code max_tokens} minus the special indices. In
 * {@code tf_idf} mode it also learns {@code idf = log(1 + documents / (1 + document frequency))}
 * per token; the special indices get the mean of the tokens' weights.
 *
 * <p>The vocabulary is saved as Keras 3 saves it: an asset {@code vocabulary.txt} (one token per
 * line, special tokens included) unless it was given in the config, and the idf weights as the
 * variable {@code idf_weights}.
 *
 * @param <K> the token type: {@code String} or {@code Long}
 */
public abstract class IndexLookup<K> extends Layer implements FeedEncoder, KerasAssets {
  private final Integer maxTokens;
  private final int numOovIndices;
  private final K maskToken;
  private final K oovToken;
  private final String outputMode;
  private final boolean padToMaxTokens;

  private List<K> inputVocabulary;
  private float[] inputIdfWeights;
  private final List<K> tokens = new ArrayList<>();
  private final Map<K, Integer> index = new HashMap<>();
  private float[] idfWeights;
  private Integer frozenVocabSize;

  private final Map<K, long[]> counts = new HashMap<>();
  private final Map<K, long[]> documentCounts = new HashMap<>();
  private long documents;

  /**
   * A lookup with Keras's arguments.
   *
   * @param keras the Keras class name, for messages
   * @param maxTokens the largest vocabulary, special indices included, or {@code null}
   * @param outputMode {@code int}, {@code one_hot}, {@code multi_hot}, {@code count} or {@code
   *     tf_idf} ({@code binary} and {@code tf-idf} are Keras's old names)
   * @param numOovIndices the number of out-of-vocabulary indices, 0 or more
   * @param maskToken the token mapped to index 0 in {@code int} mode, or {@code null} for none
   * @param oovToken the token listed for the OOV indices
   * @param padToMaxTokens true to give bag outputs {@code maxTokens} columns whatever the
   *     vocabulary size
   * @throws IllegalArgumentException in Keras's words for an invalid argument
   */
  protected IndexLookup(
      String keras,
      Integer maxTokens,
      int numOovIndices,
      K maskToken,
      K oovToken,
      String outputMode,
      boolean padToMaxTokens) {
    String mode =
        "binary".equals(outputMode)
            ? "multi_hot"
            : "tf-idf".equals(outputMode) ? "tf_idf" : outputMode;
    checkArgument(maxTokens == null || maxTokens > 1, keras, "max_tokens", maxTokens);
    checkArgument(numOovIndices >= 0, keras, "num_oov_indices", numOovIndices);
    checkArgument(
        List.of("int", "one_hot", "multi_hot", "count", "tf_idf").contains(mode),
        keras,
        "output_mode",
        outputMode);
    checkArgument(!padToMaxTokens || maxTokens != null, keras, "pad_to_max_tokens", true);
    this.maxTokens = maxTokens;
    this.numOovIndices = numOovIndices;
    this.maskToken = maskToken;
    this.oovToken = oovToken;
    this.outputMode = mode;
    this.padToMaxTokens = padToMaxTokens;
  }

  // ---- what a token type supplies ----

  /**
   * Keras's tie-break order of two tokens with equal counts (the later one comes first).
   *
   * @param a a token
   * @param b another token with the same count
   * @return negative if {@code a} comes first, positive if {@code b} does
   */
  protected abstract int compareTokens(K a, K b);

  /**
   * A token read back from one line of {@code vocabulary.txt}.
   *
   * @param line one line of the file, without its line break
   * @return the token
   */
  protected abstract K parseToken(String line);

  /**
   * The OOV index offset (in {@code [0, num_oov_indices)}) of an out-of-vocabulary token when there
   * are several OOV indices.
   *
   * @param token an unknown token
   * @return the offset, hashed from the token
   */
  protected abstract int oovBucket(K token);

  /**
   * The token as a config value (a JSON string or number).
   *
   * @param token a token
   * @return the token as a string or number
   */
  protected Object tokenConfig(K token) {
    return token;
  }

  // ---- vocabulary ----

  /**
   * Keras's {@code output_mode}.
   *
   * @return the output mode, as Keras names it
   */
  public String outputMode() {
    return outputMode;
  }

  /**
   * Keras's {@code max_tokens}, or {@code null}.
   *
   * @return the vocabulary limit, or {@code null} for none
   */
  public Integer maxTokens() {
    return maxTokens;
  }

  /**
   * Keras's {@code num_oov_indices}.
   *
   * @return the number of OOV indices
   */
  protected final int numOovIndices() {
    return numOovIndices;
  }

  /**
   * The index of the first OOV index: 1 with a mask token in {@code int} mode, else 0.
   *
   * @return 0 or 1
   */
  protected final int oovStartIndex() {
    return maskToken != null && outputMode.equals("int") ? 1 : 0;
  }

  /**
   * The index of the first vocabulary token.
   *
   * @return the index of the first token after the special ones
   */
  protected final int tokenStartIndex() {
    return oovStartIndex() + numOovIndices;
  }

  /**
   * Keras's {@code vocabulary_size()}: the tokens plus the mask and OOV indices.
   *
   * @return the number of indices the lookup can output
   */
  public int vocabularySize() {
    return tokens.size() + tokenStartIndex();
  }

  /**
   * Keras's {@code vocabulary_size} config entry: the vocabulary size a loaded layer's output depth
   * assumes before its vocabulary file is read. Returns this.
   *
   * @param size the vocabulary size Keras saved, or {@code null}
   * @return this layer, for chaining
   */
  public IndexLookup<K> vocabularySize(Integer size) {
    this.frozenVocabSize = size;
    return this;
  }

  /**
   * Keras's {@code get_vocabulary()}: the mask and OOV tokens, then the tokens by index.
   *
   * @return a new list, special tokens first
   */
  public List<K> getVocabulary() {
    return getVocabulary(true);
  }

  /**
   * Keras's {@code get_vocabulary(include_special_tokens)}: without special tokens, the list starts
   * at the first real token.
   *
   * @param includeSpecialTokens false to leave out the mask and OOV tokens
   * @return a new list
   */
  public List<K> getVocabulary(boolean includeSpecialTokens) {
    List<K> v = new ArrayList<>();
    if (includeSpecialTokens) {
      if (oovStartIndex() == 1) {
        v.add(maskToken);
      }
      for (int i = 0; i < numOovIndices; i++) {
        v.add(oovToken);
      }
    }
    v.addAll(tokens);
    return v;
  }

  /**
   * Keras's {@code vocabulary=} argument: sets the vocabulary and marks it as given, so it is saved
   * in the config (not as an asset) and {@code adapt} is refused. Returns this.
   *
   * @param vocabulary the tokens in index order, optionally preceded by the special tokens as
   *     {@code getVocabulary()} lists them
   * @return this layer, for chaining
   */
  public IndexLookup<K> vocabulary(List<K> vocabulary) {
    return vocabulary(vocabulary, null);
  }

  /**
   * Keras's {@code vocabulary=} and {@code idf_weights=} arguments (for {@code tf_idf}).
   *
   * @param vocabulary the tokens in index order, optionally preceded by the special tokens as
   *     {@code getVocabulary()} lists them
   * @param idfWeights one inverse document frequency per token
   * @return this layer, for chaining
   */
  public IndexLookup<K> vocabulary(List<K> vocabulary, float[] idfWeights) {
    if (outputMode.equals("tf_idf") && idfWeights == null) {
      throw new IllegalArgumentException(
          "When specifying the `vocabulary` argument, in TF-IDF output mode, the `idf_weights`"
              + " argument must also be provided.");
    }
    setVocabulary(vocabulary, idfWeights);
    this.inputVocabulary = List.copyOf(vocabulary);
    this.inputIdfWeights = idfWeights == null ? null : idfWeights.clone();
    return this;
  }

  /**
   * Keras's {@code set_vocabulary(vocabulary)}.
   *
   * @param vocabulary the tokens in index order, optionally preceded by the special tokens as
   *     {@code getVocabulary()} lists them
   */
  public void setVocabulary(List<K> vocabulary) {
    setVocabulary(vocabulary, null);
  }

  /**
   * Keras's {@code set_vocabulary(vocabulary, idf_weights)}: the tokens, optionally preceded by the
   * special tokens exactly as {@link #getVocabulary()} lists them; in {@code tf_idf} mode one idf
   * weight per entry.
   *
   * @param vocabulary the tokens in index order, optionally preceded by the special tokens as
   *     {@code getVocabulary()} lists them
   * @param idf one inverse document frequency per entry, or {@code null} outside {@code tf_idf}
   *     mode
   * @throws IllegalArgumentException as Keras: an empty or repeated vocabulary, a special token
   *     inside it, more tokens than {@code max_tokens}, idf weights missing or of another length
   */
  public void setVocabulary(List<K> vocabulary, float[] idf) {
    if (outputMode.equals("tf_idf") && idf == null) {
      throw new IllegalArgumentException("`idf_weights` must be set if output_mode is 'tf_idf'.");
    }
    if (!outputMode.equals("tf_idf") && idf != null) {
      throw new IllegalArgumentException(
          "`idf_weights` should only be set if output_mode is `'tf_idf'`. Received: output_mode="
              + outputMode);
    }
    if (vocabulary.isEmpty()) {
      throw new IllegalArgumentException("Cannot set an empty vocabulary. Received: vocabulary=[]");
    }
    int start = tokenStartIndex();
    List<K> special = getVocabulary(true).subList(0, start);
    boolean foundSpecial =
        vocabulary.size() >= start && vocabulary.subList(0, start).equals(special);
    List<K> toks = foundSpecial ? vocabulary.subList(start, vocabulary.size()) : vocabulary;
    Set<K> seen = new HashSet<>();
    Set<K> repeated = new java.util.LinkedHashSet<>();
    for (K t : toks) {
      if (!seen.add(t)) {
        repeated.add(t);
      }
    }
    if (!repeated.isEmpty()) {
      throw new IllegalArgumentException(
          "The passed vocabulary has at least one repeated term. Please uniquify your dataset."
              + " The repeated terms are: "
              + repeated);
    }
    if (maskToken != null && seen.contains(maskToken)) {
      throw new IllegalArgumentException(
          "Found reserved mask token at unexpected location in `vocabulary`. Note that passed"
              + " `vocabulary` does not need to include the OOV and mask tokens. Either remove all"
              + " mask and OOV tokens, or include them only at the start of the vocabulary in"
              + " precisely this order: "
              + special
              + ". Received: mask_token="
              + maskToken);
    }
    int newSize = start + toks.size();
    if (maxTokens != null && newSize > maxTokens) {
      throw new IllegalArgumentException(
          "Attempted to set a vocabulary larger than the maximum vocab size. Received vocabulary"
              + " size is "
              + newSize
              + "; `max_tokens` is "
              + maxTokens
              + ".");
    }
    float[] weights = null;
    if (idf != null) {
      if (idf.length != vocabulary.size()) {
        throw new IllegalArgumentException(
            "`idf_weights` must be the same length as vocabulary. len(idf_weights) is "
                + idf.length
                + "; len(vocabulary) is "
                + vocabulary.size());
      }
      weights = padIdf(idf, foundSpecial ? 0 : start);
    }
    checkSizeUnchanged(newSize);
    install(toks, weights);
  }

  /** Keras pads the front of idf weights with their mean and the back with zeros. */
  private float[] padIdf(float[] idf, int front) {
    float mean = 0;
    if (front > 0) {
      double sum = 0;
      for (float w : idf) {
        sum += w;
      }
      mean = (float) (sum / idf.length);
    }
    int total = front + idf.length;
    if (padToMaxTokens && maxTokens != null) {
      total = Math.max(total, maxTokens);
    }
    float[] out = new float[total];
    java.util.Arrays.fill(out, 0, front, mean);
    System.arraycopy(idf, 0, out, front, idf.length);
    return out;
  }

  private void checkSizeUnchanged(int newSize) {
    if (outputMode.equals("int") || padToMaxTokens) {
      return;
    }
    if (built() && frozenVocabSize != null && newSize != frozenVocabSize) {
      throw new IllegalStateException(
          "When using `output_mode="
              + outputMode
              + "` and `pad_to_max_tokens=False`, the vocabulary size cannot be changed after the"
              + " layer is called. Old vocab size is "
              + frozenVocabSize
              + ", new vocab size is "
              + newSize);
    }
  }

  private void install(List<K> toks, float[] weights) {
    List<K> copy = new ArrayList<>(toks);
    tokens.clear();
    index.clear();
    int i = tokenStartIndex();
    for (K t : copy) {
      tokens.add(t);
      index.put(t, i++);
    }
    idfWeights = weights;
    frozenVocabSize = vocabularySize();
  }

  /**
   * True when the vocabulary came from the {@code vocabulary} argument.
   *
   * @return true if {@code vocabulary} was given
   */
  public boolean hasInputVocabulary() {
    return inputVocabulary != null;
  }

  // ---- adapt ----

  /** Keras's {@code reset_state()}: forgets the counts of an adapt in progress. */
  public void resetState() {
    counts.clear();
    documentCounts.clear();
    documents = 0;
  }

  /**
   * Keras's {@code update_state}: counts the tokens of some documents (each one list of tokens).
   *
   * @param docs the documents, each a list of tokens
   * @throws IllegalStateException when the vocabulary was given as an argument
   */
  public void updateState(List<List<K>> docs) {
    if (inputVocabulary != null) {
      throw new IllegalStateException(
          "Cannot adapt layer '"
              + name()
              + "' after setting a static vocabulary via `vocabulary` argument or"
              + " `set_vocabulary()` method.");
    }
    boolean idf = outputMode.equals("tf_idf");
    for (List<K> doc : docs) {
      for (K t : doc) {
        counts.computeIfAbsent(t, k -> new long[1])[0]++;
      }
      if (idf) {
        for (K t : new HashSet<>(doc)) {
          documentCounts.computeIfAbsent(t, k -> new long[1])[0]++;
        }
      }
    }
    documents += docs.size();
  }

  /** Keras's {@code finalize_state}: the vocabulary (and idf weights) from the counts. */
  public void finalizeState() {
    if (inputVocabulary != null || counts.isEmpty()) {
      return;
    }
    if (maskToken != null) {
      counts.remove(maskToken);
    }
    if (oovToken != null) {
      counts.remove(oovToken);
    }
    List<Map.Entry<K, long[]>> entries = new ArrayList<>(counts.entrySet());
    entries.sort(
        (a, b) -> {
          int c = Long.compare(b.getValue()[0], a.getValue()[0]);
          return c != 0 ? c : compareTokens(b.getKey(), a.getKey());
        });
    int keep = entries.size();
    if (maxTokens != null) {
      keep = Math.min(keep, Math.max(0, maxTokens - tokenStartIndex()));
    }
    List<K> toks = new ArrayList<>(keep);
    for (int i = 0; i < keep; i++) {
      toks.add(entries.get(i).getKey());
    }
    float[] weights = null;
    if (outputMode.equals("tf_idf")) {
      float[] idf = new float[keep];
      for (int i = 0; i < keep; i++) {
        long df = documentCounts.getOrDefault(toks.get(i), new long[1])[0];
        idf[i] = (float) Math.log(1 + (double) documents / (1 + df));
      }
      weights = padIdf(idf, tokenStartIndex());
    }
    checkSizeUnchanged(tokenStartIndex() + keep);
    install(toks, weights);
    resetState();
  }

  // ---- lookup and encoding ----

  /**
   * The index of a token: its vocabulary index, the mask index (0) for the mask token in {@code
   * int} mode, or an OOV index; {@code -1} for a mask token in the other modes (Keras leaves it out
   * of the counts).
   *
   * @param token a token
   * @return the token's index, or {@code -1}
   * @throws IllegalArgumentException for an unknown token when there are no OOV indices
   */
  protected final int indexOf(K token) {
    if (maskToken != null && maskToken.equals(token)) {
      return outputMode.equals("int") ? 0 : -1;
    }
    Integer i = index.get(token);
    if (i != null) {
      return i;
    }
    if (numOovIndices == 0) {
      throw new IllegalArgumentException(
          "Layer \""
              + name()
              + "\": When `num_oov_indices=0` all inputs should be in vocabulary, found OOV value "
              + token
              + ", consider setting `num_oov_indices=1`.");
    }
    return oovStartIndex() + (numOovIndices == 1 ? 0 : oovBucket(token));
  }

  /**
   * The depth of the encoded outputs (not {@code int}): {@code max_tokens} or the vocabulary.
   *
   * @return the output's last-axis size
   */
  protected final int depth() {
    if (padToMaxTokens) {
      return maxTokens;
    }
    if (frozenVocabSize == null) {
      throw new IllegalStateException(
          "Layer \""
              + name()
              + "\": When using `output_mode="
              + outputMode
              + "` and `pad_to_max_tokens=False`, you must set the layer's vocabulary before"
              + " calling it. Either pass a `vocabulary` argument to the layer, or call `adapt`"
              + " with some sample data.");
    }
    return frozenVocabSize;
  }

  /**
   * The output shape for indices of shape {@code in} (see {@link Categorical#shape}).
   *
   * @param in the shape of the looked-up indices
   * @return the encoded output's shape
   */
  protected final Shape encodedShape(Shape in) {
    return Categorical.shape(in, outputMode, outputMode.equals("int") ? 0 : depth());
  }

  /**
   * Encodes the looked-up indices of an input of shape {@code in} per the output mode.
   *
   * @param ids the indices, row-major
   * @param in their shape
   * @return the encoded tensor
   */
  protected final Tensor encodeIndices(int[] ids, Shape in) {
    return Categorical.encode(
        ids, in, outputMode, outputMode.equals("int") ? 0 : depth(), idfWeights);
  }

  /**
   * {@code multi_hot}, {@code count} or {@code tf_idf} rows of index lists.
   *
   * @param rows one array of indices per sample
   * @return a tensor {@code (rows, depth)}
   */
  protected final Tensor encodeRows(int[][] rows) {
    return Categorical.rows(rows, outputMode, depth(), idfWeights);
  }

  // ---- layer ----

  @Override
  public List<Node> call(CallContext ctx, List<Node> inputs) {
    throw FeedEncoder.notInGraph(this);
  }

  /**
   * The idf weights with their special-index padding ({@code tf_idf} mode), or {@code null}.
   *
   * @return a copy of the weights, or {@code null}
   */
  public float[] idfWeights() {
    return idfWeights == null ? null : idfWeights.clone();
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("invert", false);
    c.put("max_tokens", maxTokens);
    c.put("num_oov_indices", numOovIndices);
    c.put("oov_token", oovToken == null ? null : tokenConfig(oovToken));
    c.put("mask_token", maskToken == null ? null : tokenConfig(maskToken));
    c.put("output_mode", outputMode);
    c.put("sparse", false);
    c.put("pad_to_max_tokens", padToMaxTokens);
    c.put("idf_weights", inputIdfWeights == null ? null : floats(inputIdfWeights));
    c.put("vocabulary", inputVocabulary == null ? null : configTokens(inputVocabulary));
    c.put("vocabulary_size", frozenVocabSize);
    return c;
  }

  /**
   * The tokens as config values.
   *
   * @param toks the tokens
   * @return the tokens as strings or numbers
   */
  protected final List<Object> configTokens(List<K> toks) {
    List<Object> out = new ArrayList<>();
    for (K t : toks) {
      out.add(tokenConfig(t));
    }
    return out;
  }

  private static List<Double> floats(float[] v) {
    List<Double> out = new ArrayList<>();
    for (float f : v) {
      out.add((double) f);
    }
    return out;
  }

  // ---- saving (Keras's save_assets / load_assets / save_own_variables) ----

  @Override
  public Map<String, byte[]> saveAssets() {
    if (inputVocabulary != null || tokens.isEmpty()) {
      return Map.of();
    }
    List<String> lines = new ArrayList<>();
    for (K t : getVocabulary(true)) {
      lines.add(String.valueOf(t));
    }
    return Map.of("vocabulary.txt", String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void loadAssets(Map<String, byte[]> files) {
    byte[] v = files.get("vocabulary.txt");
    if (inputVocabulary != null || v == null) {
      return;
    }
    List<String> lines =
        new ArrayList<>(List.of(new String(v, StandardCharsets.UTF_8).split("\n", -1)));
    while (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) {
      lines.remove(lines.size() - 1);
    }
    List<K> values = new ArrayList<>();
    for (String line : lines) {
      values.add(parseToken(line));
    }
    setVocabulary(values, outputMode.equals("tf_idf") ? idfWeights : null);
  }

  @Override
  public Map<String, Tensor> saveVariables() {
    if (!outputMode.equals("tf_idf") || idfWeights == null) {
      return Map.of();
    }
    Map<String, Tensor> m = new LinkedHashMap<>();
    m.put("vars/idf_weights", Tensor.of(idfWeights.clone()));
    return m;
  }

  @Override
  public void loadVariables(Map<String, Tensor> values) {
    Tensor idf = values.get("vars/idf_weights");
    if (outputMode.equals("tf_idf") && idf != null) {
      idfWeights = idf.toArray();
    }
  }

  /**
   * Unmodifiable view of the learned tokens (no special tokens), for subclasses.
   *
   * @return the learned tokens, in index order
   */
  protected final List<K> tokens() {
    return Collections.unmodifiableList(tokens);
  }
}
