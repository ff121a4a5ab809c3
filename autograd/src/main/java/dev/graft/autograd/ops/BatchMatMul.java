package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.BatchGemm;
import dev.graft.tensor.Shape;
import java.util.List;

/**
 * {@code op(a) · op(b)} per matrix of a stack: {@code a} of shape {@code (..., m, k)} and {@code b}
 * of shape {@code (..., k, n)} with the same leading axes give {@code (..., m, n)} (attention's
 * scores {@code Q·Kᵀ} and outputs {@code P·V} per batch and head).
 */
public final class BatchMatMul extends Op {
  private final boolean transA;
  private final boolean transB;

  private BatchMatMul(boolean transA, boolean transB) {
    this.transA = transA;
    this.transB = transB;
  }

  /** {@code op(a) · op(b)} for each matrix of the stacks. */
  public static Node of(Node a, boolean transA, Node b, boolean transB) {
    return a.graph().apply(new BatchMatMul(transA, transB), a, b);
  }

  @Override
  public String kind() {
    return "batch_matmul";
  }

  @Override
  public String attributes() {
    return (transA ? "aT" : "") + (transA && transB ? "," : "") + (transB ? "bT" : "");
  }

  @Override
  public Shape outputShape(List<Shape> inputs) {
    Shapes.arity(kind(), inputs, 2);
    Shape a = inputs.get(0);
    Shape b = inputs.get(1);
    if (a.rank() < 3 || a.rank() != b.rank()) {
      throw shapeError("needs a and b of the same rank >= 3; got " + a + " and " + b);
    }
    for (int i = 0; i < a.rank() - 2; i++) {
      if (!compatible(a.dim(i), b.dim(i))) {
        throw shapeError("leading axes differ: " + a + " and " + b);
      }
    }
    int m = transA ? a.dim(-1) : a.dim(-2);
    int k = transA ? a.dim(-2) : a.dim(-1);
    int kb = transB ? b.dim(-1) : b.dim(-2);
    int n = transB ? b.dim(-2) : b.dim(-1);
    if (!compatible(k, kb)) {
      throw shapeError(
          "inner dimensions differ: "
              + a
              + (transA ? "ᵀ" : "")
              + " times "
              + b
              + (transB ? "ᵀ" : "")
              + " ("
              + k
              + " vs "
              + kb
              + ")");
    }
    return a.withDim(-2, m).withDim(-1, n);
  }

  private static boolean compatible(int x, int y) {
    return x == y || x == Shape.UNKNOWN || y == Shape.UNKNOWN;
  }

  @Override
  public void forward(Args a) {
    BatchGemm.matmul(a.input(0), transA, a.input(1), transB, a.output(), false);
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    Node a = self.input(0);
    Node b = self.input(1);
    // C = op(A) op(B): d op(A) = G op(B)ᵀ and d op(B) = op(A)ᵀ G, transposed back where needed.
    Node da = transA ? of(b, transB, g, true) : of(g, false, b, !transB);
    Node db = transB ? of(g, true, a, transA) : of(a, !transA, g, false);
    return List.of(da, db);
  }
}
