package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.Shape;
import dev.graft.tensor.products.Gemm;
import java.util.List;

/**
 * {@code op(a) · op(b)} where a tensor is seen as a matrix of its last axis: {@code a} of shape
 * {@code (..., k)} times {@code b} of shape {@code (k, n)} gives {@code (..., n)} (Keras's Dense on
 * any rank). With {@code transA}, {@code a} of shape {@code (..., m)} flattened to rows {@code (r,
 * m)} gives {@code aᵀ · op(b)} of shape {@code (m, n)}: the weight gradient.
 */
public final class MatMul extends Op {
  private final boolean transA;
  private final boolean transB;

  private MatMul(boolean transA, boolean transB) {
    this.transA = transA;
    this.transB = transB;
  }

  /**
   * {@code a · b}.
   *
   * @param a a matrix {@code (m, k)}
   * @param b a matrix {@code (k, n)}
   * @return the product {@code (m, n)}
   */
  public static Node of(Node a, Node b) {
    return of(a, false, b, false);
  }

  /**
   * {@code op(a) · op(b)}.
   *
   * @param a a matrix, {@code (m, k)} or {@code (k, m)} if transposed
   * @param transA true to use {@code a} transposed
   * @param b a matrix, {@code (k, n)} or {@code (n, k)} if transposed
   * @param transB true to use {@code b} transposed
   * @return the product {@code (m, n)}
   */
  public static Node of(Node a, boolean transA, Node b, boolean transB) {
    return a.graph().apply(new MatMul(transA, transB), a, b);
  }

  @Override
  public String kind() {
    return "matmul";
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
    // With transA (a weight gradient) b may also be a batch of rows: both are flattened to rows.
    boolean rowsB = transA && !transB;
    if (a.rank() < 1 || (rowsB ? b.rank() < 1 : b.rank() != 2)) {
      throw shapeError(
          "needs a of rank >= 1 and b of rank "
              + (rowsB ? ">= 1" : "2")
              + "; got "
              + a
              + " and "
              + b);
    }
    int k = transA ? rows(a) : a.dim(-1);
    int kb = rowsB ? rows(b) : transB ? b.dim(1) : b.dim(0);
    int n = transB ? b.dim(0) : b.dim(-1);
    if (k != kb && k != Shape.UNKNOWN && kb != Shape.UNKNOWN) {
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
    return transA ? Shape.of(a.dim(-1), n) : a.withDim(-1, n);
  }

  private static int rows(Shape a) {
    return a.isFullyDefined() ? a.sizeTo(a.rank() - 1) : Shape.UNKNOWN;
  }

  @Override
  public void forward(Args a) {
    Gemm.matmul(a.input(0), transA, a.input(1), transB, a.output(), false);
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    Node a = self.input(0);
    Node b = self.input(1);
    Node da;
    Node db;
    if (!transA) {
      da = MatMul.of(g, false, b, !transB);
      db = transB ? MatMul.of(g, true, a, false) : MatMul.of(a, true, g, false);
    } else {
      // C = Aᵀ op(B) with A flattened to rows (R, M): dA = op(B) dCᵀ, dB = A dC (or its transpose).
      Node a2 = Reshape.of(a, Shape.of(Shape.UNKNOWN, a.shape().dim(-1)));
      da = Reshape.of(MatMul.of(b, transB, g, true), a.shape());
      db = transB ? MatMul.of(g, true, a2, true) : MatMul.of(a2, false, g, false);
      db = Reshape.of(db, b.shape());
    }
    return List.of(da, db);
  }
}
