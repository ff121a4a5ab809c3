package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.Shape;
import dev.graft.tensor.reduce.Losses;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Per-sample loss of predictions against targets, reduced over the last axis as Keras does (Keras
 * then averages over the batch, which the caller adds with sample weights if any). Targets get no
 * gradient.
 */
public final class Loss extends Op {
  private final Losses.Kind lossKind;
  private final float delta;

  private Loss(Losses.Kind lossKind, float delta) {
    this.lossKind = lossKind;
    this.delta = delta;
  }

  /**
   * The per-sample loss of {@code pred} against {@code target}.
   *
   * @param kind the loss function
   * @param pred the predictions {@code (N, ...)}
   * @param target the targets, shaped as the loss expects (class indices for sparse losses)
   * @return a node {@code (N)} of per-sample losses
   */
  public static Node of(Losses.Kind kind, Node pred, Node target) {
    return of(kind, pred, target, 1f);
  }

  /**
   * The per-sample loss with Huber's {@code delta}.
   *
   * @param kind the loss function
   * @param pred the predictions {@code (N, ...)}
   * @param target the targets, shaped as the loss expects
   * @param delta where Huber's loss turns from quadratic to linear, above 0
   * @return a node {@code (N)} of per-sample losses
   */
  public static Node of(Losses.Kind kind, Node pred, Node target, float delta) {
    return pred.graph().apply(new Loss(kind, delta), pred, target);
  }

  @Override
  public String kind() {
    return lossKind.name().toLowerCase(Locale.ROOT);
  }

  @Override
  public Shape outputShape(List<Shape> inputs) {
    Shapes.arity(kind(), inputs, 2);
    Shape p = inputs.get(0);
    Shape t = inputs.get(1);
    if (p.rank() < 2) {
      throw shapeError("predictions need a batch and a last axis; got " + p);
    }
    Shape want = Losses.targetShape(lossKind, p);
    boolean ok =
        t.isCompatibleWith(want) || (lossKind.sparse() && t.isCompatibleWith(want.append(1)));
    if (!ok) {
      throw shapeError(
          "targets of shape "
              + t
              + " do not match predictions of shape "
              + p
              + " (expected "
              + want
              + (lossKind.sparse() ? " of class indices" : "")
              + ")");
    }
    return p.dropLast();
  }

  @Override
  public void forward(Args a) {
    Losses.forward(lossKind, a.input(0), a.input(1), delta, a.output());
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    return Arrays.asList(self.graph().apply(new Grad(this), self.input(0), self.input(1), g), null);
  }

  /** The loss's gradient with respect to the predictions. Backward-only. */
  static final class Grad extends Op {
    private final Loss loss;

    Grad(Loss loss) {
      this.loss = loss;
    }

    @Override
    public String kind() {
      return loss.kind() + "_grad";
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
      return inputs.get(0);
    }

    @Override
    public void forward(Args a) {
      Losses.backward(loss.lossKind, a.input(0), a.input(1), a.input(2), loss.delta, a.output());
    }

    @Override
    public boolean isDifferentiable() {
      return false;
    }

    @Override
    public List<Node> gradients(Node self, Node g) {
      throw new UnsupportedOperationException(kind() + " is a backward op");
    }
  }
}
