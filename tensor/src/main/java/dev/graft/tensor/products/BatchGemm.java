package dev.graft.tensor.products;

import dev.graft.tensor.Parallel;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.blas.Blas;

/**
 * Batched matrix multiplication: tensors of rank >= 3 are stacks of matrices over their last two
 * axes, {@code out[i] = op(a[i]) · op(b[i])} for every leading index {@code i} (attention's {@code
 * Q·Kᵀ} and {@code P·V} per batch and head). The leading dimensions of {@code a}, {@code b} and
 * {@code out} must hold the same number of matrices.
 *
 * <p>A rank-4 operand may also be read (or the output written) in the <em>heads</em> layout {@code
 * (batch, rows, heads, cols)} as the stack {@code (batch, heads, rows, cols)}: a projection split
 * into heads is multiplied where it lies, through the GEMM's leading dimension, instead of being
 * transposed into a stack first.
 */
public final class BatchGemm {
  /** Matrices per parallel chunk: enough to amortise a hand-off to a worker. */
  private static final int MIN_CHUNK = 4;

  private BatchGemm() {}

  /**
   * {@code out[i] = op(a[i]) · op(b[i])}, or {@code out[i] += ...} when {@code accumulate}.
   *
   * @param a the left stack, rank {@code >= 3}: matrices over its last two axes
   * @param transA true to use each {@code a[i]} transposed
   * @param b the right stack, holding as many matrices as {@code a}
   * @param transB true to use each {@code b[i]} transposed
   * @param out the stack of {@code (rows of op(a[i]), cols of op(b[i]))} results, as many as {@code
   *     a} holds
   * @param accumulate true to add the products to {@code out}'s values, false to overwrite them
   * @return {@code out}
   * @throws IllegalArgumentException if the ranks, matrix counts or inner dimensions disagree
   */
  public static Tensor matmul(
      Tensor a, boolean transA, Tensor b, boolean transB, Tensor out, boolean accumulate) {
    return matmul(a, transA, false, b, transB, false, 1f, out, false, accumulate);
  }

  /**
   * {@code out[i] = alpha · op(a[i]) · op(b[i])} (or {@code +=} when {@code accumulate}), where an
   * operand flagged {@code heads} is a rank-4 {@code (batch, rows, heads, cols)} tensor standing
   * for the stack {@code (batch, heads, rows, cols)}, and {@code headsOut} writes {@code out} the
   * same way.
   *
   * @param a the left stack, rank {@code >= 3}: matrices over its last two axes
   * @param transA true to use each {@code a[i]} transposed
   * @param headsA true if {@code a} is a rank-4 {@code (batch, rows, heads, cols)} tensor read as
   *     {@code (batch, heads, rows, cols)}
   * @param b the right stack, holding as many matrices as {@code a}
   * @param transB true to use each {@code b[i]} transposed
   * @param headsB true if {@code b} is read in the heads layout, as {@code headsA} says for {@code
   *     a}
   * @param alpha the factor applied to every product
   * @param out the stack of {@code (rows of op(a[i]), cols of op(b[i]))} results, as many as {@code
   *     a} holds
   * @param headsOut true to write {@code out} in the heads layout {@code (batch, rows, heads,
   *     cols)}
   * @param accumulate true to add the products to {@code out}'s values, false to overwrite them
   * @return {@code out}
   * @throws IllegalArgumentException if the ranks, matrix counts or inner dimensions disagree
   */
  public static Tensor matmul(
      Tensor a,
      boolean transA,
      boolean headsA,
      Tensor b,
      boolean transB,
      boolean headsB,
      float alpha,
      Tensor out,
      boolean headsOut,
      boolean accumulate) {
    Shape sa = a.shape();
    Shape sb = b.shape();
    Shape so = out.shape();
    if (!stackRank(sa, headsA) || !stackRank(sb, headsB) || !stackRank(so, headsOut)) {
      throw new IllegalArgumentException(
          "batch_matmul: needs tensors of rank >= 3 (4 in the heads layout); got "
              + sa
              + ", "
              + sb
              + " -> "
              + so);
    }
    int m = transA ? sa.dim(-1) : rows(sa, headsA);
    int k = transA ? rows(sa, headsA) : sa.dim(-1);
    int kb = transB ? sb.dim(-1) : rows(sb, headsB);
    int n = transB ? rows(sb, headsB) : sb.dim(-1);
    int count = count(sa, headsA);
    // With a heads layout anywhere, every operand must be rank 4 with the same head count.
    boolean heads = headsA || headsB || headsOut;
    if (k != kb
        || count(sb, headsB) != count
        || rows(so, headsOut) != m
        || so.dim(-1) != n
        || count(so, headsOut) != count
        || heads
            && (heads(sa, headsA) != heads(sb, headsB)
                || heads(sa, headsA) != heads(so, headsOut))) {
      throw new IllegalArgumentException(
          "batch_matmul: shapes disagree: "
              + sa
              + (headsA ? " (heads layout)" : "")
              + (transA ? "ᵀ" : "")
              + " times "
              + sb
              + (headsB ? " (heads layout)" : "")
              + (transB ? "ᵀ" : "")
              + " into "
              + so
              + (headsOut ? " (heads layout)" : ""));
    }
    float beta = accumulate ? 1f : 0f;
    Blas blas = Blas.current().singleThreaded();
    float[] av = a.array();
    float[] bv = b.array();
    float[] ov = out.array();
    // On one thread the body runs directly rather than as a lambda: no garbage per call.
    int group = heads ? heads(sa, headsA) : 1;
    int aOff = a.offset();
    int aOuter = outer(sa, headsA, group);
    int aInner = inner(sa, headsA);
    int lda = ld(sa, headsA);
    int bOff = b.offset();
    int bOuter = outer(sb, headsB, group);
    int bInner = inner(sb, headsB);
    int ldb = ld(sb, headsB);
    int oOff = out.offset();
    int oOuter = outer(so, headsOut, group);
    int oInner = inner(so, headsOut);
    int ldo = ld(so, headsOut);
    boolean small = SmallProducts.suits(m, n, k);
    if (Parallel.threads() == 1 || count <= MIN_CHUNK) {
      products(
          small, blas, transA, transB, m, n, k, alpha, av, aOff, aOuter, aInner, lda, bv, bOff,
          bOuter, bInner, ldb, beta, ov, oOff, oOuter, oInner, ldo, group, 0, count);
    } else {
      Parallel.forRange(
          count,
          MIN_CHUNK,
          (from, to) ->
              products(
                  small, blas, transA, transB, m, n, k, alpha, av, aOff, aOuter, aInner, lda, bv,
                  bOff, bOuter, bInner, ldb, beta, ov, oOff, oOuter, oInner, ldo, group, from, to));
    }
    return out;
  }

  /**
   * Products {@code [from, to)}, on {@link SmallProducts} when {@code small}, else on {@code blas};
   * matrix {@code i} of an operand starts at {@code off + (i / group) * outer + (i % group) *
   * inner}.
   */
  private static void products(
      boolean small,
      Blas blas,
      boolean transA,
      boolean transB,
      int m,
      int n,
      int k,
      float alpha,
      float[] av,
      int aOff,
      int aOuter,
      int aInner,
      int lda,
      float[] bv,
      int bOff,
      int bOuter,
      int bInner,
      int ldb,
      float beta,
      float[] ov,
      int oOff,
      int oOuter,
      int oInner,
      int ldo,
      int group,
      int from,
      int to) {
    for (int i = from; i < to; i++) {
      int g = i / group;
      int r = i % group;
      if (small) {
        SmallProducts.product(
            transA,
            transB,
            m,
            n,
            k,
            alpha,
            av,
            aOff + g * aOuter + r * aInner,
            lda,
            bv,
            bOff + g * bOuter + r * bInner,
            ldb,
            beta != 0f,
            ov,
            oOff + g * oOuter + r * oInner,
            ldo);
        continue;
      }
      blas.sgemm(
          transA,
          transB,
          m,
          n,
          k,
          alpha,
          av,
          aOff + g * aOuter + r * aInner,
          lda,
          bv,
          bOff + g * bOuter + r * bInner,
          ldb,
          beta,
          ov,
          oOff + g * oOuter + r * oInner,
          ldo);
    }
  }

  /**
   * {@code op(a[i]) · op(b[i])} into a new tensor shaped like {@code a}'s leading axes.
   *
   * @param a the left stack, rank {@code >= 3}: matrices over its last two axes
   * @param transA true to use each {@code a[i]} transposed
   * @param b the right stack, holding as many matrices as {@code a}
   * @param transB true to use each {@code b[i]} transposed
   * @return a new tensor: {@code a}'s leading axes, then {@code op(a[i])}'s rows and {@code
   *     op(b[i])}'s columns
   */
  public static Tensor matmul(Tensor a, boolean transA, Tensor b, boolean transB) {
    Shape sa = a.shape();
    int m = transA ? sa.dim(-1) : sa.dim(-2);
    int n = transB ? b.shape().dim(-2) : b.shape().dim(-1);
    Shape outShape = sa.withDim(-2, m).withDim(-1, n);
    return matmul(a, transA, b, transB, Tensor.zeros(outShape), false);
  }

  // The stack a tensor holds, as plain ints (a small object per call would be garbage per step):
  // matrix rows x cols with leading dimension ld; the heads layout (b, rows, heads, cols) stands
  // for the stack (b, heads, rows, cols).

  private static boolean stackRank(Shape s, boolean split) {
    return split ? s.rank() == 4 : s.rank() >= 3;
  }

  private static int rows(Shape s, boolean split) {
    return split ? s.dim(1) : s.dim(-2);
  }

  private static int ld(Shape s, boolean split) {
    return split ? s.dim(2) * s.dim(3) : s.dim(-1);
  }

  private static int count(Shape s, boolean split) {
    return split ? s.dim(0) * s.dim(2) : s.sizeTo(s.rank() - 2);
  }

  /** The head axis's size of a rank-4 tensor in either layout, -1 for other ranks. */
  private static int heads(Shape s, boolean split) {
    return split ? s.dim(2) : s.rank() == 4 ? s.dim(1) : -1;
  }

  /** The distance between consecutive groups of {@code group} matrices. */
  private static int outer(Shape s, boolean split, int group) {
    return split ? rows(s, true) * ld(s, true) : group * rows(s, false) * s.dim(-1);
  }

  /** The distance between matrices within a group. */
  private static int inner(Shape s, boolean split) {
    return split ? s.dim(-1) : rows(s, false) * s.dim(-1);
  }
}
