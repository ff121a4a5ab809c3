package dev.graft.tensor;

/**
 * Batched matrix multiplication: tensors of rank >= 3 are stacks of matrices over their last two
 * axes, {@code out[i] = op(a[i]) · op(b[i])} for every leading index {@code i} (attention's {@code
 * Q·Kᵀ} and {@code P·V} per batch and head). The leading dimensions of {@code a}, {@code b} and
 * {@code out} must hold the same number of matrices.
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
    Shape sa = a.shape();
    Shape sb = b.shape();
    if (sa.rank() < 3 || sb.rank() < 3 || out.shape().rank() < 3) {
      throw new IllegalArgumentException(
          "batch_matmul: needs tensors of rank >= 3; got " + sa + ", " + sb + " -> " + out.shape());
    }
    int ra = sa.dim(-2);
    int ca = sa.dim(-1);
    int rb = sb.dim(-2);
    int cb = sb.dim(-1);
    int m = transA ? ca : ra;
    int k = transA ? ra : ca;
    int kb = transB ? cb : rb;
    int n = transB ? rb : cb;
    int batch = sa.sizeTo(sa.rank() - 2);
    if (k != kb
        || sb.sizeTo(sb.rank() - 2) != batch
        || out.shape().dim(-2) != m
        || out.shape().dim(-1) != n
        || out.shape().sizeTo(out.shape().rank() - 2) != batch) {
      throw new IllegalArgumentException(
          "batch_matmul: shapes disagree: "
              + sa
              + (transA ? "ᵀ" : "")
              + " times "
              + sb
              + (transB ? "ᵀ" : "")
              + " into "
              + out.shape());
    }
    float beta = accumulate ? 1f : 0f;
    Blas blas = Blas.current().singleThreaded();
    float[] av = a.array();
    float[] bv = b.array();
    float[] ov = out.array();
    int aOff = a.offset();
    int bOff = b.offset();
    int oOff = out.offset();
    int aStep = ra * ca;
    int bStep = rb * cb;
    int oStep = m * n;
    Parallel.forRange(
        batch,
        MIN_CHUNK,
        (from, to) -> {
          for (int i = from; i < to; i++) {
            blas.sgemm(
                transA,
                transB,
                m,
                n,
                k,
                1f,
                av,
                aOff + i * aStep,
                ca,
                bv,
                bOff + i * bStep,
                cb,
                beta,
                ov,
                oOff + i * oStep,
                n);
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
}
