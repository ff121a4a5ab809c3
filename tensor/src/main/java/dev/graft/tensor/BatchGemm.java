package dev.graft.tensor;

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
    Stack sa = Stack.of(a, headsA);
    Stack sb = Stack.of(b, headsB);
    Stack so = Stack.of(out, headsOut);
    if (sa == null || sb == null || so == null) {
      throw new IllegalArgumentException(
          "batch_matmul: needs tensors of rank >= 3 (4 in the heads layout); got "
              + a.shape()
              + ", "
              + b.shape()
              + " -> "
              + out.shape());
    }
    int m = transA ? sa.cols : sa.rows;
    int k = transA ? sa.rows : sa.cols;
    int kb = transB ? sb.cols : sb.rows;
    int n = transB ? sb.rows : sb.cols;
    // With a heads layout anywhere, every operand must be rank 4 with the same head count.
    boolean heads = headsA || headsB || headsOut;
    if (k != kb
        || sb.count != sa.count
        || so.rows != m
        || so.cols != n
        || so.count != sa.count
        || heads && (sa.heads != sb.heads || sa.heads != so.heads)) {
      throw new IllegalArgumentException(
          "batch_matmul: shapes disagree: "
              + a.shape()
              + (headsA ? " (heads layout)" : "")
              + (transA ? "ᵀ" : "")
              + " times "
              + b.shape()
              + (headsB ? " (heads layout)" : "")
              + (transB ? "ᵀ" : "")
              + " into "
              + out.shape()
              + (headsOut ? " (heads layout)" : ""));
    }
    float beta = accumulate ? 1f : 0f;
    Blas blas = Blas.current().singleThreaded();
    float[] av = a.array();
    float[] bv = b.array();
    float[] ov = out.array();
    Parallel.forRange(
        sa.count,
        MIN_CHUNK,
        (from, to) -> {
          for (int i = from; i < to; i++) {
            blas.sgemm(
                transA,
                transB,
                m,
                n,
                k,
                alpha,
                av,
                sa.offset(i),
                sa.ld,
                bv,
                sb.offset(i),
                sb.ld,
                beta,
                ov,
                so.offset(i),
                so.ld);
          }
        });
    return out;
  }

  /** {@code op(a[i]) · op(b[i])} into a new tensor shaped like {@code a}'s leading axes. */
  public static Tensor matmul(Tensor a, boolean transA, Tensor b, boolean transB) {
    Shape sa = a.shape();
    int m = transA ? sa.dim(-1) : sa.dim(-2);
    int n = transB ? b.shape().dim(-2) : b.shape().dim(-1);
    Shape outShape = sa.withDim(-2, m).withDim(-1, n);
    return matmul(a, transA, b, transB, Tensor.zeros(outShape), false);
  }

  /**
   * Where matrix {@code i} of a tensor's stack lies: {@code rows x cols} with leading dimension
   * {@code ld}, {@code count} matrices. {@code heads} is the head axis's size for a rank-4 tensor
   * in either layout (-1 otherwise); {@code split} whether it is the heads layout.
   */
  private static final class Stack {
    final int offset;
    final int rows;
    final int cols;
    final int ld;
    final int count;
    final int heads;
    final boolean split;

    private Stack(int offset, int rows, int cols, int ld, int count, int heads, boolean split) {
      this.offset = offset;
      this.rows = rows;
      this.cols = cols;
      this.ld = ld;
      this.count = count;
      this.heads = heads;
      this.split = split;
    }

    /** The stack of {@code t}, or null for a rank it cannot have. */
    static Stack of(Tensor t, boolean split) {
      Shape s = t.shape();
      if (split) {
        if (s.rank() != 4) {
          return null;
        }
        int h = s.dim(2);
        return new Stack(t.offset(), s.dim(1), s.dim(3), h * s.dim(3), s.dim(0) * h, h, true);
      }
      if (s.rank() < 3) {
        return null;
      }
      return new Stack(
          t.offset(),
          s.dim(-2),
          s.dim(-1),
          s.dim(-1),
          s.sizeTo(s.rank() - 2),
          s.rank() == 4 ? s.dim(1) : -1,
          false);
    }

    int offset(int i) {
      if (!split) {
        return offset + i * rows * cols;
      }
      return offset + (i / heads) * rows * ld + (i % heads) * cols;
    }
  }
}
