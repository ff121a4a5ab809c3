package dev.graft.autograd.optim;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.autograd.Variable;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.List;

/** The side-effect node that applies an optimizer's rule to one variable in place. */
final class ApplyUpdate extends Op {
  private final Optimizer optimizer;
  private final Variable variable;
  private final float[][] slotArrays;
  private final int[] slotOffsets;

  ApplyUpdate(Optimizer optimizer, Variable variable) {
    this.optimizer = optimizer;
    this.variable = variable;
    Tensor[] s = optimizer.slots(variable);
    slotArrays = new float[s.length][];
    slotOffsets = new int[s.length];
    for (int i = 0; i < s.length; i++) {
      slotArrays[i] = s[i].array();
      slotOffsets[i] = s[i].offset();
    }
  }

  @Override
  public String kind() {
    return optimizer.name().toLowerCase(java.util.Locale.ROOT) + "_update";
  }

  @Override
  public String attributes() {
    return variable.name();
  }

  @Override
  public Shape outputShape(List<Shape> inputs) {
    return Shape.of(0);
  }

  @Override
  public boolean hasSideEffects() {
    return true;
  }

  @Override
  public void forward(Args a) {
    if (!variable.trainable()) {
      return;
    }
    Tensor w = a.input(0);
    Tensor g = a.input(1);
    clip(g);
    int so = slotOffsets.length == 0 ? 0 : slotOffsets[0];
    optimizer.apply(
        w.array(),
        w.offset(),
        g.array(),
        g.offset(),
        slotArrays,
        so,
        w.size(),
        optimizer.currentLearningRate(),
        optimizer.iterations());
  }

  private void clip(Tensor g) {
    float[] d = g.array();
    int o = g.offset();
    int n = g.size();
    float cv = optimizer.clipValue();
    if (cv > 0) {
      for (int i = 0; i < n; i++) {
        d[o + i] = Math.max(-cv, Math.min(cv, d[o + i]));
      }
    }
    float cn = optimizer.clipNorm();
    if (cn > 0) {
      double sq = 0;
      for (int i = 0; i < n; i++) {
        sq += (double) d[o + i] * d[o + i];
      }
      double norm = Math.sqrt(sq);
      if (norm > cn) {
        float s = (float) (cn / norm);
        for (int i = 0; i < n; i++) {
          d[o + i] *= s;
        }
      }
    }
  }

  @Override
  public boolean isDifferentiable() {
    return false;
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    throw new UnsupportedOperationException(kind() + " is an update, not differentiable");
  }
}
