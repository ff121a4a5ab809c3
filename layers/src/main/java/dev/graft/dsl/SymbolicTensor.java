package dev.graft.dsl;

import dev.graft.tensor.Shape;

/**
 * A placeholder for a tensor while a model is being defined: it has a shape (the batch is {@code
 * None}) and remembers which layer call produced it, so a model can be traced from its outputs back
 * to its inputs. Computes nothing.
 */
public final class SymbolicTensor {
  private final Shape shape;
  private final LayerCall producer;
  private final int index;

  SymbolicTensor(Shape shape, LayerCall producer, int index) {
    this.shape = shape;
    this.producer = producer;
    this.index = index;
  }

  /**
   * The shape, with {@code None} for the batch.
   *
   * @return the shape, batch axis first
   */
  public Shape shape() {
    return shape;
  }

  /**
   * The layer call that produced this tensor.
   *
   * @return the producing call
   */
  public LayerCall producer() {
    return producer;
  }

  /**
   * Which output of its producer this is.
   *
   * @return the index among the producer's outputs, from 0
   */
  public int index() {
    return index;
  }

  /**
   * The producing layer's name, with {@code :k} for its k-th output when it has several.
   *
   * @return the name used in summaries and error messages
   */
  public String name() {
    String n = producer.layer().name();
    return producer.outputs().size() > 1 ? n + ":" + index : n;
  }

  @Override
  public String toString() {
    return "<SymbolicTensor shape=" + shape + ", name=" + name() + ">";
  }
}
