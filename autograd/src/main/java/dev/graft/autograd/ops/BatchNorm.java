package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Fused batch normalisation over the last axis: inputs {@code (x, gamma, beta, moving_mean,
 * moving_variance)}. When its node trains ({@link Args#training()}: the plan's mode, or the mode
 * the node was made in) and the layer is trainable, it normalises with the batch's mean and
 * (biased) variance, otherwise with the moving statistics: Keras's {@code training and
 * self.trainable}, so a frozen BatchNormalization runs in inference mode in {@code fit} too. The
 * statistics used are kept in the workspace {@code (2, C)} for the backward pass and for {@link
 * #updateMoving}. An optional sixth input, a Keras mask of {@code x}'s shape without its last axis,
 * makes the batch statistics those of the kept rows only (Keras's masked moments); the output
 * covers every row.
 */
public final class BatchNorm extends Op {
  private final float epsilon;
  private final BooleanSupplier trainable;

  private BatchNorm(float epsilon, BooleanSupplier trainable) {
    this.epsilon = epsilon;
    this.trainable = trainable;
  }

  /**
   * Batch normalisation of {@code x} over its last axis; {@code trainable} is read at each run (a
   * layer frozen or unfrozen after the graph was built takes effect at once).
   *
   * @param x the input, channels on its last axis
   * @param gamma the per-channel scale {@code (C)}
   * @param beta the per-channel offset {@code (C)}
   * @param movingMean the variable node of the moving mean {@code (C)}
   * @param movingVariance the variable node of the moving variance {@code (C)}
   * @param epsilon added to the variance before its square root, above 0
   * @param trainable asked at each run; false makes a training run use the moving statistics
   * @return the normalised {@code x}, same shape
   * @throws IllegalArgumentException unless {@code epsilon > 0} and the per-channel inputs have the
   *     last axis's size
   */
  public static Node of(
      Node x,
      Node gamma,
      Node beta,
      Node movingMean,
      Node movingVariance,
      float epsilon,
      BooleanSupplier trainable) {
    return of(x, gamma, beta, movingMean, movingVariance, null, epsilon, trainable);
  }

  /**
   * {@link #of(Node, Node, Node, Node, Node, float, BooleanSupplier)} whose batch statistics count
   * only the rows {@code mask} keeps ({@code null}: every row).
   *
   * @param x the input, channels on its last axis
   * @param gamma the per-channel scale {@code (C)}
   * @param beta the per-channel offset {@code (C)}
   * @param movingMean the variable node of the moving mean {@code (C)}
   * @param movingVariance the variable node of the moving variance {@code (C)}
   * @param mask a {@code (N, T)} mask of the rows counted, or {@code null}
   * @param epsilon added to the variance before its square root, above 0
   * @param trainable asked at each run; false makes a training run use the moving statistics
   * @return the normalised {@code x}, same shape
   */
  public static Node of(
      Node x,
      Node gamma,
      Node beta,
      Node movingMean,
      Node movingVariance,
      Node mask,
      float epsilon,
      BooleanSupplier trainable) {
    if (!(epsilon > 0f)) {
      throw new IllegalArgumentException("batch_norm: epsilon must be > 0; got " + epsilon);
    }
    BatchNorm op = new BatchNorm(epsilon, trainable);
    return mask == null
        ? x.graph().apply(op, x, gamma, beta, movingMean, movingVariance)
        : x.graph().apply(op, x, gamma, beta, movingMean, movingVariance, mask);
  }

  /**
   * The side-effect node that, after a run of {@code bn} with batch statistics, moves its moving
   * statistics toward the batch's: {@code moving = moving * momentum + batch * (1 - momentum)}. It
   * does nothing when {@code bn} used the moving statistics (inference, a frozen layer).
   *
   * @param bn a node made by {@code BatchNorm.of}
   * @param momentum the weight the old moving value keeps, in {@code [0, 1]} (Keras: 0.99)
   * @return the update node, to run as a side effect of a training plan
   */
  public static Node updateMoving(Node bn, float momentum) {
    if (!(bn.op() instanceof BatchNorm op)) {
      throw new IllegalArgumentException("batch_norm_update: " + bn + " is not a batch_norm node");
    }
    if (!(momentum >= 0f && momentum <= 1f)) {
      throw new IllegalArgumentException("batch_norm_update: momentum must be in [0, 1]");
    }
    return bn.graph()
        .inMode(
            bn.mode(),
            () -> bn.graph().apply(new UpdateMoving(op, momentum), bn, bn.input(3), bn.input(4)));
  }

  @Override
  public String kind() {
    return "batch_norm";
  }

  @Override
  public String attributes() {
    return "epsilon=" + epsilon;
  }

  @Override
  public Shape outputShape(List<Shape> in) {
    if (in.size() != 5 && in.size() != 6) {
      Shapes.arity(kind(), in, 5);
    }
    Shape x = in.get(0);
    if (in.size() == 6 && !in.get(5).isCompatibleWith(x.dropLast())) {
      throw shapeError("mask of shape " + in.get(5) + " does not match input " + x);
    }
    int c = x.rank() == 0 ? 1 : x.dim(-1);
    for (int i = 1; i < 5; i++) {
      if (in.get(i).rank() != 1 || in.get(i).dim(0) != c) {
        throw shapeError(
            "input " + i + " has shape " + in.get(i) + "; expected (" + c + ") for input " + x);
      }
    }
    return x;
  }

  @Override
  public Shape workspaceShape(List<Shape> inputs, Shape output) {
    return Shape.of(2, inputs.get(1).dim(0));
  }

  /** Keras's {@code training and self.trainable}, for this node or its gradient node. */
  boolean usesBatchStatistics(Args a) {
    return a.training() && trainable.getAsBoolean();
  }

  /** The workspace's halves {@code [mean, variance]}, made once per node and plan. */
  static Tensor[] stats(Args a, Tensor ws) {
    Tensor[] s = (Tensor[]) a.memo();
    if (s == null) {
      int c = ws.size() / 2;
      s =
          new Tensor[] {
            Tensor.wrap(ws.array(), ws.offset(), Shape.of(c)),
            Tensor.wrap(ws.array(), ws.offset() + c, Shape.of(c))
          };
      a.memo(s);
    }
    return s;
  }

  @Override
  public void forward(Args a) {
    Tensor[] s = stats(a, a.workspace());
    if (usesBatchStatistics(a)) {
      dev.graft.tensor.norm.BatchNorm.moments(a.input(0), mask(a, 0), s[0], s[1]);
    } else {
      s[0].copyFrom(a.input(3));
      s[1].copyFrom(a.input(4));
    }
    dev.graft.tensor.norm.BatchNorm.normalize(
        a.input(0), s[0], s[1], a.input(1), a.input(2), epsilon, a.output());
  }

  /** The mask input (at {@code index}) of a masked node, null without one. */
  private static Tensor mask(Args a, int index) {
    return a.inputCount() > index + 5 ? a.input(index + 5) : null;
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    Node x = self.input(0);
    int c = self.input(1).shape().dim(0);
    Grad grad = new Grad(this);
    Node packed =
        self.inputs().size() == 6
            ? self.graph().apply(grad, self, x, self.input(1), g, self.input(5))
            : self.graph().apply(grad, self, x, self.input(1), g);
    Shape channels = Shape.of(c);
    List<Node> grads =
        new java.util.ArrayList<>(
            List.of(
                Part.of(packed, 4 * c, x.shape()),
                Part.of(packed, 0, channels),
                Part.of(packed, c, channels),
                Part.of(packed, 2 * c, channels),
                Part.of(packed, 3 * c, channels)));
    if (self.inputs().size() == 6) {
      grads.add(null); // a mask has no gradient
    }
    return grads;
  }

  /**
   * Packed {@code [dgamma | dbeta | dmoving_mean | dmoving_variance | dx]}; inputs {@code (forward
   * node, x, gamma, dy[, mask])}. The moving statistics' gradients are zero when the forward used
   * batch statistics; otherwise they are what Keras's tape gives for non-trainable weights.
   */
  static final class Grad extends BackwardOp {
    private final BatchNorm fwd;

    Grad(BatchNorm fwd) {
      this.fwd = fwd;
    }

    @Override
    public String kind() {
      return "batch_norm_grad";
    }

    @Override
    public Shape outputShape(List<Shape> in) {
      Shape x = in.get(1);
      int c = in.get(2).dim(0);
      return Shape.of(x.isFullyDefined() ? 4 * c + x.size() : Shape.UNKNOWN);
    }

    @Override
    public void forward(Args a) {
      Tensor[] v = (Tensor[]) a.memo();
      if (v == null) {
        Tensor ws = a.inputWorkspace(0);
        int c = ws.size() / 2;
        Tensor out = a.output();
        v =
            new Tensor[] {
              Tensor.wrap(ws.array(), ws.offset(), Shape.of(c)),
              Tensor.wrap(ws.array(), ws.offset() + c, Shape.of(c)),
              Tensor.wrap(out.array(), out.offset(), Shape.of(c)),
              Tensor.wrap(out.array(), out.offset() + c, Shape.of(c)),
              Tensor.wrap(out.array(), out.offset() + 2 * c, Shape.of(c)),
              Tensor.wrap(out.array(), out.offset() + 3 * c, Shape.of(c)),
              Tensor.wrap(out.array(), out.offset() + 4 * c, a.input(1).shape())
            };
        a.memo(v);
      }
      boolean batchStatistics = fwd.usesBatchStatistics(a);
      dev.graft.tensor.norm.BatchNorm.backward(
          a.input(1),
          a.inputCount() > 4 ? a.input(4) : null,
          a.input(3),
          v[0],
          v[1],
          a.input(2),
          fwd.epsilon,
          batchStatistics,
          v[6],
          v[2],
          v[3]);
      if (batchStatistics) {
        v[4].fill(0f);
        v[5].fill(0f);
      } else {
        dev.graft.tensor.norm.BatchNorm.statisticsBackward(
            a.input(2), v[1], v[2], v[3], fwd.epsilon, v[4], v[5]);
      }
    }
  }

  /** The moving-average update; inputs {@code (forward node, moving_mean, moving_variance)}. */
  static final class UpdateMoving extends BackwardOp {
    private final BatchNorm fwd;
    private final float momentum;

    UpdateMoving(BatchNorm fwd, float momentum) {
      this.fwd = fwd;
      this.momentum = momentum;
    }

    @Override
    public String kind() {
      return "batch_norm_update";
    }

    @Override
    public String attributes() {
      return "momentum=" + momentum;
    }

    @Override
    public Shape outputShape(List<Shape> in) {
      return Shape.of(0);
    }

    @Override
    public boolean hasSideEffects() {
      return true;
    }

    @Override
    public void forward(Args a) {
      if (!fwd.usesBatchStatistics(a)) {
        return;
      }
      Tensor[] s = stats(a, a.inputWorkspace(0));
      dev.graft.tensor.norm.BatchNorm.updateMoving(a.input(1), s[0], momentum);
      dev.graft.tensor.norm.BatchNorm.updateMoving(a.input(2), s[1], momentum);
    }
  }
}
