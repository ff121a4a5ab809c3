package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.Shape;
import dev.graft.tensor.products.BatchGemm;
import java.util.List;

/**
 * {@code alpha · op(a) · op(b)} per matrix of a stack: {@code a} of shape {@code (..., m, k)} and
 * {@code b} of shape {@code (..., k, n)} with the same leading axes give {@code (..., m, n)}
 * (attention's scores {@code Q·Kᵀ} and outputs {@code P·V} per batch and head).
 *
 * <p>An operand or the output may be in the heads layout {@code (batch, rows, heads, cols)},
 * standing for the stack {@code (batch, heads, rows, cols)} (see {@link BatchGemm}): multi-head
 * attention multiplies its projections split into heads without transposing them.
 */
public final class BatchMatMul extends Op {
  private final boolean transA;
  private final boolean transB;
  private final boolean headsA;
  private final boolean headsB;
  private final boolean headsOut;
  private final float alpha;

  private BatchMatMul(
      boolean transA,
      boolean headsA,
      boolean transB,
      boolean headsB,
      boolean headsOut,
      float alpha) {
    this.transA = transA;
    this.transB = transB;
    this.headsA = headsA;
    this.headsB = headsB;
    this.headsOut = headsOut;
    this.alpha = alpha;
  }

  /**
   * {@code op(a) · op(b)} for each matrix of the stacks.
   *
   * @param a a stack of matrices {@code (..., m, k)}
   * @param transA true to use each matrix of {@code a} transposed
   * @param b a stack {@code (..., k, n)} with the same leading axes
   * @param transB true to use each matrix of {@code b} transposed
   * @return the stack of products {@code (..., m, n)}
   */
  public static Node of(Node a, boolean transA, Node b, boolean transB) {
    return of(a, transA, false, b, transB, false, false, 1f);
  }

  /**
   * {@code alpha · op(a) · op(b)} for each matrix of the stacks, where {@code headsA}, {@code
   * headsB} and {@code headsOut} put that tensor in the heads layout {@code (batch, rows, heads,
   * cols)}.
   *
   * @param a the left stack, {@code (batch, m, k)} or in the heads layout
   * @param transA true to use each matrix of {@code a} transposed
   * @param headsA the number of heads if {@code a} is in the heads layout, 0 if not
   * @param b the right stack, {@code (batch, k, n)} or in the heads layout
   * @param transB true to use each matrix of {@code b} transposed
   * @param headsB the number of heads if {@code b} is in the heads layout, 0 if not
   * @param headsOut the number of heads to lay the output out with, 0 for a plain stack
   * @param alpha the factor applied to every product (an attention's {@code 1/sqrt(d)})
   * @return the stack of scaled products
   */
  public static Node of(
      Node a,
      boolean transA,
      boolean headsA,
      Node b,
      boolean transB,
      boolean headsB,
      boolean headsOut,
      float alpha) {
    return a.graph().apply(new BatchMatMul(transA, headsA, transB, headsB, headsOut, alpha), a, b);
  }

  @Override
  public String kind() {
    return "batch_matmul";
  }

  @Override
  public String attributes() {
    StringBuilder s = new StringBuilder();
    flag(s, transA, "aT");
    flag(s, transB, "bT");
    flag(s, headsA, "a heads");
    flag(s, headsB, "b heads");
    flag(s, headsOut, "out heads");
    flag(s, alpha != 1f, "alpha=" + alpha);
    return s.toString();
  }

  private static void flag(StringBuilder s, boolean on, String text) {
    if (on) {
      s.append(s.length() == 0 ? "" : ",").append(text);
    }
  }

  @Override
  public Shape outputShape(List<Shape> inputs) {
    Shapes.arity(kind(), inputs, 2);
    Shape a = stack(inputs.get(0), headsA);
    Shape b = stack(inputs.get(1), headsB);
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
    Shape out = a.withDim(-2, m).withDim(-1, n);
    if (headsOut && out.rank() != 4) {
      throw shapeError("writes the heads layout only for rank 4; got " + out);
    }
    return headsOut ? swapMiddle(out) : out;
  }

  /**
   * The stack a tensor stands for: {@code (b, h, r, c)} for a heads layout {@code (b, r, h, c)}.
   */
  private Shape stack(Shape s, boolean heads) {
    if (!heads) {
      return s;
    }
    if (s.rank() != 4) {
      throw shapeError("reads the heads layout (batch, rows, heads, cols) only; got " + s);
    }
    return swapMiddle(s);
  }

  private static Shape swapMiddle(Shape s) {
    return Shape.of(s.dim(0), s.dim(2), s.dim(1), s.dim(3));
  }

  private static boolean compatible(int x, int y) {
    return x == y || x == Shape.UNKNOWN || y == Shape.UNKNOWN;
  }

  @Override
  public void forward(Args a) {
    BatchGemm.matmul(
        a.input(0), transA, headsA, a.input(1), transB, headsB, alpha, a.output(), headsOut, false);
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    Node a = self.input(0);
    Node b = self.input(1);
    // C = alpha op(A) op(B): d op(A) = alpha G op(B)ᵀ and d op(B) = alpha op(A)ᵀ G, transposed back
    // where needed; each gradient is written in its operand's layout.
    Node da =
        transA
            ? of(b, transB, headsB, g, true, headsOut, headsA, alpha)
            : of(g, false, headsOut, b, !transB, headsB, headsA, alpha);
    Node db =
        transB
            ? of(g, true, headsOut, a, transA, headsA, headsB, alpha)
            : of(a, !transA, headsA, g, false, headsOut, headsB, alpha);
    return List.of(da, db);
  }
}
