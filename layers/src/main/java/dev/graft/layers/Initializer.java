package dev.graft.layers;

import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.Map;

/**
 * Makes the initial value of a weight (Keras's initializers). Values come from the given {@link
 * Rng}, so a seed reproduces them. Build them with {@link Initializers}.
 */
public interface Initializer {
  /** A new tensor of {@code shape}. */
  Tensor create(Shape shape, Rng rng);

  /** Keras's class name, e.g. {@code GlorotUniform}. */
  String className();

  /** Keras's config, e.g. {@code {"seed": null}}. */
  Map<String, Object> config();
}
