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
  /**
   * A new tensor of {@code shape}.
   *
   * @param shape the weight's shape
   * @param rng the generator of random draws
   * @return a new tensor of {@code shape}
   */
  Tensor create(Shape shape, Rng rng);

  /**
   * Keras's class name, e.g. {@code GlorotUniform}.
   *
   * @return the class name Keras writes in configs
   */
  String className();

  /**
   * Keras's config, e.g. {@code {"seed": null}}.
   *
   * @return the config keys Keras writes for this initializer
   */
  Map<String, Object> config();
}
