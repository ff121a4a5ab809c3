package dev.graft.layers;

import dev.graft.tensor.Tensor;

/**
 * A preprocessing layer that runs on the data as it is fed, before a model's numeric graph: {@code
 * TextVectorization}, {@code StringLookup}, {@code IntegerLookup}, {@code Hashing}, {@code
 * CategoryEncoding}, {@code Discretization}. Keras runs these layers eagerly on the CPU (or in a
 * {@code tf.data} pipeline); Graft runs them when {@code fit}, {@code evaluate} or {@code predict}
 * receive a batch, so compiled plans hold only numbers and allocate nothing. In a model, such a
 * layer (or a chain of them) must be the only consumer of a model input: the input is then fed the
 * chain's output. Outside a model, {@link #encode} is Keras's {@code layer(data)}, e.g. in a
 * dataset's {@code map}.
 */
public interface FeedEncoder {
  /**
   * Encodes one batch: a {@code String[]} (one string per sample), a {@code String[][]} (one row of
   * strings per sample), a {@code List} of strings, or a {@link Tensor}, as the layer accepts.
   *
   * @param batch one batch of raw values
   * @return the numeric tensor the model's plan reads, batch axis first
   * @throws IllegalArgumentException naming the layer when the batch has the wrong type or shape
   */
  Tensor encode(Object batch);

  /**
   * The error for such a layer reached inside a model's numeric graph.
   *
   * @param layer the preprocessing layer
   * @return the exception to throw
   */
  static IllegalStateException notInGraph(dev.graft.dsl.Layer layer) {
    return new IllegalStateException(
        "Layer \""
            + layer.name()
            + "\" ("
            + layer.className()
            + ") runs on the data before the model's numeric graph: it must take a model input"
            + " (directly or after other such layers) that feeds nothing else");
  }
}
