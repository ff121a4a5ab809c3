package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Reduction;
import dev.graft.autograd.ops.Scale;
import dev.graft.autograd.ops.Square;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A weight penalty added to the training loss: Keras's {@code l1} ({@code l1 · sum|w|}), {@code l2}
 * ({@code l2 · sum w²}) or {@code l1_l2} (both).
 */
public final class Regularizer {
  private final float l1;
  private final float l2;

  private Regularizer(float l1, float l2) {
    if (!(l1 >= 0f) || !(l2 >= 0f)) {
      throw new IllegalArgumentException(
          "Regularizer factors must be >= 0; Received: l1=" + l1 + ", l2=" + l2);
    }
    this.l1 = l1;
    this.l2 = l2;
  }

  /**
   * {@code factor · sum(|w|)} (Keras's default factor 0.01).
   *
   * @param factor the weight of the penalty, 0 or more
   * @return the regularizer
   */
  public static Regularizer l1(float factor) {
    return new Regularizer(factor, 0f);
  }

  /**
   * {@code factor · sum(w²)} (Keras's default factor 0.01).
   *
   * @param factor the weight of the penalty, 0 or more
   * @return the regularizer
   */
  public static Regularizer l2(float factor) {
    return new Regularizer(0f, factor);
  }

  /**
   * Both penalties.
   *
   * @param l1 the weight of the absolute-value penalty
   * @param l2 the weight of the squared penalty
   * @return the regularizer
   */
  public static Regularizer l1l2(float l1, float l2) {
    return new Regularizer(l1, l2);
  }

  /**
   * The regularizer with Keras's name and default factor 0.01.
   *
   * @param name {@code l1}, {@code l2} or {@code l1_l2}
   * @return the regularizer
   * @throws IllegalArgumentException for an unknown name
   */
  public static Regularizer of(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "l1" -> l1(0.01f);
      case "l2" -> l2(0.01f);
      case "l1_l2", "l1l2" -> l1l2(0.01f, 0.01f);
      default ->
          throw new IllegalArgumentException(
              "Unknown regularizer \"" + name + "\"; expected l1, l2 or l1_l2");
    };
  }

  /**
   * The penalty of weight {@code w} as a scalar node.
   *
   * @param w the node reading the weight
   * @return a node of one element
   */
  public Node penalty(Node w) {
    Node total = null;
    if (l1 > 0) {
      Node abs =
          dev.graft.autograd.ops.Activation.of(dev.graft.tensor.elementwise.Pointwise.Fn.ABS, w);
      total = Scale.of(Reduction.sum(abs, false), l1);
    }
    if (l2 > 0) {
      Node sq = Scale.of(Reduction.sum(Square.of(w), false), l2);
      total = total == null ? sq : dev.graft.autograd.ops.Add.of(total, sq);
    }
    return total;
  }

  /**
   * Keras's class name.
   *
   * @return {@code L1}, {@code L2} or {@code L1L2}
   */
  public String className() {
    return l1 > 0 && l2 > 0 ? "L1L2" : l1 > 0 ? "L1" : "L2";
  }

  /**
   * Keras's config.
   *
   * @return the factors under Keras's keys {@code l1} and {@code l2}
   */
  public Map<String, Object> config() {
    Map<String, Object> c = new LinkedHashMap<>();
    if (l1 > 0) {
      c.put("l1", l1);
    }
    if (l2 > 0) {
      c.put("l2", l2);
    }
    return c;
  }
}
