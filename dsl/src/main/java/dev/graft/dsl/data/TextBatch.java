package dev.graft.dsl.data;

import dev.graft.tensor.Tensor;
import java.util.List;
import java.util.function.Function;

/**
 * A batch of texts and their labels from a {@link TextFolder} ({@code labels} is null for label
 * mode {@code "none"}). Turn it into model inputs with a vectorizer: {@code b ->
 * b.vectorized(vectorizer::apply)}.
 *
 * @param texts the texts
 * @param labels the labels ({@code (batch,)} class indices, {@code (batch, classes)} one-hot or
 *     {@code (batch, 1)} binary), or null
 */
public record TextBatch(String[] texts, Tensor labels) {
  /**
   * {@code [vectorize(texts), labels]}, the batch {@code fit} takes (the labels left out if none).
   *
   * @param vectorize turns the texts into a tensor, e.g. a {@code TextVectorization}'s {@code
   *     apply}
   * @return a new list
   */
  public List<Tensor> vectorized(Function<String[], Tensor> vectorize) {
    Tensor x = vectorize.apply(texts);
    return labels == null ? List.of(x) : List.of(x, labels);
  }

  /**
   * The number of texts.
   *
   * @return the number of texts in the batch
   */
  public int size() {
    return texts.length;
  }
}
