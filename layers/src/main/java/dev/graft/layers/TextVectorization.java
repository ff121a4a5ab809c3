package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.dsl.Layer;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code TextVectorization}: turns strings into token indices ({@code output_mode="int"})
 * or bags of tokens ({@code multi_hot}, {@code count}, {@code tf_idf}). Each string is standardized
 * ({@code lower_and_strip_punctuation} by default: ASCII lower case, as TensorFlow's {@code
 * tf.strings.lower}, then Keras's punctuation {@code !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~} removed),
 * split on ASCII whitespace, optionally combined into n-grams (all 1-grams, then all 2-grams, ...,
 * joined by a space), then looked up in the vocabulary: index 0 is padding (the mask token {@code
 * ""}), 1 the OOV token {@code "[UNK]"} in {@code int} mode.
 *
 * <p>It runs on the data before the model's numeric graph (see {@link FeedEncoder}): a model input
 * declared with {@code stringInput(...)} feeds it, and {@code model.predict(String...)} takes raw
 * strings.
 *
 * <pre>{@code
 * jshell> var vectorizer = textVectorization().outputSequenceLength(4);
 * jshell> vectorizer.adapt(List.of("The cat sat.", "The dog sat!", "A cat"));
 * jshell> vectorizer.getVocabulary()
 * $3 ==> [, [UNK], the, sat, cat, dog, a]
 * jshell> vectorizer.apply("the cat ran")
 * $4 ==> [[2, 4, 1, 0]]
 * }</pre>
 */
public final class TextVectorization extends Layer implements FeedEncoder, KerasAssets {
  private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

  private Integer maxTokens;
  private String standardize = "lower_and_strip_punctuation";
  private String split = "whitespace";
  private Object ngramsArg;
  private int[] ngrams;
  private String outputMode = "int";
  private Integer outputSequenceLength;
  private boolean padToMaxTokens;
  private StringLookup lookup = newLookup();

  /** Keras's defaults: lower case and strip punctuation, split on whitespace, {@code int}. */
  public TextVectorization() {}

  private StringLookup newLookup() {
    return new StringLookup(maxTokens, 1, "", "[UNK]", outputMode, padToMaxTokens);
  }

  private void requireNoVocabulary(String setting) {
    requireUnbuilt(setting);
    if (lookup.vocabularySize() > 2 || lookup.hasInputVocabulary()) {
      throw new IllegalStateException(
          "Layer \"" + name() + "\" has a vocabulary; set " + setting + " before adapt()");
    }
  }

  /**
   * Keras's {@code max_tokens}: the largest vocabulary, padding and OOV included.
   *
   * @param maxTokens the vocabulary limit, at least 1
   * @return this layer, for chaining
   */
  public TextVectorization maxTokens(int maxTokens) {
    requireNoVocabulary("max_tokens");
    checkArgument(maxTokens > 1, "TextVectorization", "max_tokens", maxTokens);
    this.maxTokens = maxTokens;
    lookup = newLookup();
    return this;
  }

  /**
   * Keras's {@code standardize}: {@code "lower_and_strip_punctuation"} (default), {@code "lower"},
   * {@code "strip_punctuation"}, or {@code null} for none.
   *
   * @param standardize the standardization's Keras name, or {@code null}
   * @return this layer, for chaining
   */
  public TextVectorization standardize(String standardize) {
    requireUnbuilt("standardize");
    checkArgument(
        standardize == null
            || List.of("lower_and_strip_punctuation", "lower", "strip_punctuation")
                .contains(standardize),
        "TextVectorization",
        "standardize",
        standardize);
    this.standardize = standardize;
    return this;
  }

  /**
   * Keras's {@code split}: {@code "whitespace"} (default), {@code "character"} or {@code null}.
   *
   * @param split the split's Keras name, or {@code null}
   * @return this layer, for chaining
   */
  public TextVectorization split(String split) {
    requireUnbuilt("split");
    checkArgument(
        split == null || split.equals("whitespace") || split.equals("character"),
        "TextVectorization",
        "split",
        split);
    this.split = split;
    return this;
  }

  /**
   * Keras's {@code ngrams=n}: all n-grams from 1 to {@code n}.
   *
   * @param n the longest n-gram, at least 1
   * @return this layer, for chaining
   */
  public TextVectorization ngrams(int n) {
    requireUnbuilt("ngrams");
    checkArgument(n >= 1, "TextVectorization", "ngrams", n);
    this.ngramsArg = n;
    this.ngrams = new int[n];
    for (int i = 0; i < n; i++) {
      ngrams[i] = i + 1;
    }
    return this;
  }

  /**
   * Keras's {@code ngrams=(w1, w2, ...)}: the n-grams of exactly these widths, in this order.
   *
   * @param widths the n-gram widths, each at least 1
   * @return this layer, for chaining
   */
  public TextVectorization ngramWidths(int... widths) {
    requireUnbuilt("ngrams");
    List<Integer> arg = new ArrayList<>();
    for (int w : widths) {
      checkArgument(w >= 1, "TextVectorization", "ngrams", java.util.Arrays.toString(widths));
      arg.add(w);
    }
    this.ngramsArg = arg;
    this.ngrams = widths.clone();
    return this;
  }

  /**
   * Keras's {@code output_mode}: {@code int} (default), {@code multi_hot}, {@code count} or {@code
   * tf_idf}.
   *
   * @param mode the output mode's Keras name
   * @return this layer, for chaining
   */
  public TextVectorization outputMode(String mode) {
    requireNoVocabulary("output_mode");
    String m = "binary".equals(mode) ? "multi_hot" : "tf-idf".equals(mode) ? "tf_idf" : mode;
    checkArgument(
        List.of("int", "multi_hot", "count", "tf_idf").contains(m),
        "TextVectorization",
        "output_mode",
        mode);
    if (!m.equals("int") && outputSequenceLength != null) {
      throw new IllegalArgumentException(
          "`output_sequence_length` must not be set if `output_mode` is not 'int'. Received"
              + " output_sequence_length="
              + outputSequenceLength
              + ".");
    }
    this.outputMode = m;
    lookup = newLookup();
    return this;
  }

  /**
   * Keras's {@code output_sequence_length} ({@code int} mode): pads with 0 or truncates.
   *
   * @param length the number of tokens per sample, at least 1
   * @return this layer, for chaining
   */
  public TextVectorization outputSequenceLength(int length) {
    requireUnbuilt("output_sequence_length");
    checkArgument(length >= 1, "TextVectorization", "output_sequence_length", length);
    if (!outputMode.equals("int")) {
      throw new IllegalArgumentException(
          "`output_sequence_length` must not be set if `output_mode` is not 'int'. Received"
              + " output_sequence_length="
              + length
              + ".");
    }
    this.outputSequenceLength = length;
    return this;
  }

  /**
   * Keras's {@code pad_to_max_tokens} (bag modes): the output has {@code max_tokens} columns.
   *
   * @param pad true to pad to {@code max_tokens} columns
   * @return this layer, for chaining
   */
  public TextVectorization padToMaxTokens(boolean pad) {
    requireNoVocabulary("pad_to_max_tokens");
    this.padToMaxTokens = pad;
    lookup = newLookup();
    return this;
  }

  /**
   * Keras's {@code vocabulary=} argument (saved in the config; {@code adapt} is then refused).
   *
   * @param vocabulary the tokens in index order, optionally preceded by the special tokens as
   *     {@code getVocabulary()} lists them
   * @return this layer, for chaining
   */
  public TextVectorization vocabulary(List<String> vocabulary) {
    lookup.vocabulary(vocabulary);
    return this;
  }

  /**
   * Keras's {@code vocabulary=} and {@code idf_weights=} arguments ({@code tf_idf} mode).
   *
   * @param vocabulary the tokens in index order, optionally preceded by the special tokens as
   *     {@code getVocabulary()} lists them
   * @param idfWeights one inverse document frequency per token
   * @return this layer, for chaining
   */
  public TextVectorization vocabulary(List<String> vocabulary, float[] idfWeights) {
    lookup.vocabulary(vocabulary, idfWeights);
    return this;
  }

  /**
   * Keras's {@code vocabulary_size} config entry (see {@link IndexLookup#vocabularySize}).
   *
   * @param size the vocabulary size Keras saved, or {@code null}
   * @return this layer, for chaining
   */
  public TextVectorization vocabularySize(Integer size) {
    lookup.vocabularySize(size);
    return this;
  }

  /**
   * Keras's {@code set_vocabulary(vocabulary)}.
   *
   * @param vocabulary the tokens in index order, optionally preceded by the special tokens as
   *     {@code getVocabulary()} lists them
   */
  public void setVocabulary(List<String> vocabulary) {
    lookup.setVocabulary(vocabulary);
  }

  /**
   * Keras's {@code set_vocabulary(vocabulary, idf_weights)}.
   *
   * @param vocabulary the tokens in index order, optionally preceded by the special tokens as
   *     {@code getVocabulary()} lists them
   * @param idfWeights one inverse document frequency per entry
   */
  public void setVocabulary(List<String> vocabulary, float[] idfWeights) {
    lookup.setVocabulary(vocabulary, idfWeights);
  }

  /**
   * Keras's {@code get_vocabulary()}: {@code ""} and {@code "[UNK]"} first in {@code int} mode.
   *
   * @return a new list
   */
  public List<String> getVocabulary() {
    return lookup.getVocabulary(true);
  }

  /**
   * Keras's {@code get_vocabulary(include_special_tokens)}.
   *
   * @param includeSpecialTokens false to leave out padding and OOV
   * @return a new list
   */
  public List<String> getVocabulary(boolean includeSpecialTokens) {
    return lookup.getVocabulary(includeSpecialTokens);
  }

  /**
   * Keras's {@code vocabulary_size()}, padding and OOV included.
   *
   * @return the number of indices the layer can output
   */
  public int vocabularySize() {
    return lookup.vocabularySize();
  }

  /**
   * The idf weights ({@code tf_idf} mode), special indices included, or {@code null}.
   *
   * @return a copy, or {@code null}
   */
  public float[] idfWeights() {
    return lookup.idfWeights();
  }

  /**
   * Keras's {@code output_mode}.
   *
   * @return the output mode's Keras name
   */
  public String outputMode() {
    return outputMode;
  }

  /**
   * Keras's {@code adapt(data)}: learns the vocabulary (and in {@code tf_idf} mode the document
   * frequencies) from strings: a {@code String[]}, a {@code List} of strings, or an {@code
   * Iterable} of batches (a dataset of {@code String[]} batches or of single strings). Each string
   * is one document. Returns this.
   *
   * @param data the documents
   * @return this layer, for chaining
   */
  public TextVectorization adapt(Object data) {
    lookup.resetState();
    for (Object batch : Adapt.batches(data)) {
      String[] docs = documents(StringBatch.of(batch, name()));
      List<List<String>> toks = new ArrayList<>(docs.length);
      for (String d : docs) {
        toks.add(tokens(d));
      }
      lookup.updateState(toks);
    }
    lookup.finalizeState();
    return this;
  }

  /**
   * Keras's {@code layer(strings)}: vectorizes one batch of strings.
   *
   * @param strings a batch of strings
   * @return the token indices {@code (batch, length)} or the encoded rows {@code (batch, tokens)}
   */
  public Tensor apply(Object strings) {
    return encode(strings);
  }

  /**
   * Keras's {@code layer(strings)} on strings given one by one.
   *
   * @param strings the batch's strings
   * @return the token indices or the encoded rows
   */
  public Tensor apply(String... strings) {
    return encode(strings);
  }

  @Override
  public Tensor encode(Object batch) {
    String[] docs = documents(StringBatch.of(batch, name()));
    int[][] rows = new int[docs.length][];
    int longest = 1;
    for (int r = 0; r < docs.length; r++) {
      List<String> toks = tokens(docs[r]);
      int[] ids = new int[toks.size()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = lookup.indexOf(toks.get(i));
      }
      rows[r] = ids;
      longest = Math.max(longest, ids.length);
    }
    if (!outputMode.equals("int")) {
      return lookup.encodeRows(rows);
    }
    int len = outputSequenceLength != null ? outputSequenceLength : longest;
    float[] out = new float[docs.length * len];
    for (int r = 0; r < docs.length; r++) {
      for (int i = 0; i < Math.min(len, rows[r].length); i++) {
        out[r * len + i] = rows[r][i];
      }
    }
    return Tensor.wrap(out, docs.length, len);
  }

  private String[] documents(StringBatch b) {
    if (b.shape().rank() == 2 && b.shape().dim(1) != 1) {
      throw new IllegalArgumentException(
          "When using `TextVectorization` to tokenize strings, the input rank must be 1 or the"
              + " last shape dimension must be 1. Received: inputs.shape="
              + b.shape()
              + " (layer \""
              + name()
              + "\")");
    }
    return b.values();
  }

  /**
   * The tokens of one string: standardized, split and combined into n-grams.
   *
   * @param text one document
   * @return the tokens, in order
   */
  public List<String> tokens(String text) {
    String s = text;
    if ("lower".equals(standardize) || "lower_and_strip_punctuation".equals(standardize)) {
      s = asciiLower(s);
    }
    if ("strip_punctuation".equals(standardize)
        || "lower_and_strip_punctuation".equals(standardize)) {
      s = stripPunctuation(s);
    }
    List<String> toks;
    if (split == null) {
      toks = List.of(s);
    } else if (split.equals("whitespace")) {
      toks = splitWhitespace(s);
    } else {
      List<String> chars = new ArrayList<>();
      s.codePoints().forEach(cp -> chars.add(new String(Character.toChars(cp))));
      toks = chars;
    }
    return ngrams == null ? toks : ngrams(toks);
  }

  private List<String> ngrams(List<String> toks) {
    List<String> out = new ArrayList<>();
    for (int w : ngrams) {
      for (int i = 0; i + w <= toks.size(); i++) {
        out.add(w == 1 ? toks.get(i) : String.join(" ", toks.subList(i, i + w)));
      }
    }
    return out;
  }

  private static String asciiLower(String s) {
    char[] c = null;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch >= 'A' && ch <= 'Z') {
        if (c == null) {
          c = s.toCharArray();
        }
        c[i] = (char) (ch + ('a' - 'A'));
      }
    }
    return c == null ? s : new String(c);
  }

  private static String stripPunctuation(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (PUNCTUATION.indexOf(ch) >= 0) {
        if (b == null) {
          b = new StringBuilder(s.length()).append(s, 0, i);
        }
      } else if (b != null) {
        b.append(ch);
      }
    }
    return b == null ? s : b.toString();
  }

  /** Splits on runs of ASCII whitespace (absl's {@code ascii_isspace}), dropping empty tokens. */
  private static List<String> splitWhitespace(String s) {
    List<String> out = new ArrayList<>();
    int start = -1;
    for (int i = 0; i <= s.length(); i++) {
      boolean space = i == s.length() || isAsciiSpace(s.charAt(i));
      if (space) {
        if (start >= 0) {
          out.add(s.substring(start, i));
          start = -1;
        }
      } else if (start < 0) {
        start = i;
      }
    }
    return out;
  }

  private static boolean isAsciiSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
  }

  // ---- layer ----

  @Override
  protected void checkInputs(List<Shape> in) {
    if (in.size() != 1) {
      throw new IllegalArgumentException(
          "Layer \"" + name() + "\" takes one input; it was called on " + in.size());
    }
    Shape s = in.get(0);
    if (s.rank() > 2 || s.rank() == 2 && s.dim(1) != 1 && s.dim(1) != Shape.UNKNOWN) {
      throw incompatible(0, "strings of shape (None,) or (None, 1)", s);
    }
  }

  @Override
  public List<Shape> outputShapes(List<Shape> in) {
    checkInputs(in);
    int batch = in.get(0).dim(0);
    if (outputMode.equals("int")) {
      return List.of(
          Shape.of(batch, outputSequenceLength == null ? Shape.UNKNOWN : outputSequenceLength));
    }
    return List.of(Shape.of(batch, lookup.depth()));
  }

  @Override
  public List<Node> call(CallContext ctx, List<Node> inputs) {
    throw FeedEncoder.notInGraph(this);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("max_tokens", maxTokens);
    c.put("standardize", standardize);
    c.put("split", split);
    c.put("ngrams", ngramsArg);
    c.put("output_mode", outputMode);
    c.put("output_sequence_length", outputSequenceLength);
    c.put("pad_to_max_tokens", padToMaxTokens);
    c.put("sparse", false);
    c.put("ragged", false);
    Map<String, Object> lc = lookup.config();
    c.put("vocabulary", lc.get("vocabulary"));
    c.put("idf_weights", lc.get("idf_weights"));
    c.put("encoding", "utf-8");
    c.put("vocabulary_size", vocabularySize());
    return c;
  }

  // ---- saving: Keras 3 saves the lookup's state twice, as the layer's and as its _lookup_layer's

  private static final String CHILD = "_lookup_layer/";

  @Override
  public Map<String, byte[]> saveAssets() {
    return twice(lookup.saveAssets());
  }

  @Override
  public void loadAssets(Map<String, byte[]> files) {
    lookup.loadAssets(own(files));
  }

  @Override
  public Map<String, Tensor> saveVariables() {
    return twice(lookup.saveVariables());
  }

  @Override
  public void loadVariables(Map<String, Tensor> values) {
    lookup.loadVariables(own(values));
  }

  private static <V> Map<String, V> twice(Map<String, V> m) {
    Map<String, V> out = new LinkedHashMap<>(m);
    m.forEach((k, v) -> out.put(CHILD + k, v));
    return out;
  }

  /** The layer's own entries, or (a file written by another tool) its lookup's. */
  private static <V> Map<String, V> own(Map<String, V> m) {
    Map<String, V> top = new LinkedHashMap<>();
    Map<String, V> child = new LinkedHashMap<>();
    m.forEach(
        (k, v) -> {
          if (k.startsWith(CHILD)) {
            child.put(k.substring(CHILD.length()), v);
          } else {
            top.put(k, v);
          }
        });
    return top.isEmpty() ? child : top;
  }
}
