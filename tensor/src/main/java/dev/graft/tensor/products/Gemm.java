package dev.graft.tensor.products;

import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.blas.Blas;

/**
 * Matrix multiplication of tensors seen as matrices: a tensor of shape {@code (d0, ..., dn)} is the
 * matrix {@code (d0*...*d(n-1)) x dn} (Keras's Dense acts on the last axis this way).
 */
public final class Gemm {
  private Gemm() {}

  /**
   * {@code out = op(a) * op(b)}, or {@code out += op(a) * op(b)} when {@code accumulate}.
   *
   * @param a the left matrix: all leading axes are its rows, the last axis its columns
   * @param transA true to use {@code a} transposed
   * @param b the right matrix, seen the same way
   * @param transB true to use {@code b} transposed
   * @param out the result: {@code rows(op(a)) * cols(op(b))} elements, its last dimension {@code
   *     cols(op(b))}
   * @param accumulate true to add the product to {@code out}'s values, false to overwrite them
   * @return {@code out}
   * @throws IllegalArgumentException if the inner dimensions or {@code out}'s shape disagree
   */
  public static Tensor matmul(
      Tensor a, boolean transA, Tensor b, boolean transB, Tensor out, boolean accumulate) {
    int ar = rows(a);
    int ac = a.shape().rank() == 0 ? 1 : a.shape().dim(-1);
    int br = rows(b);
    int bc = b.shape().rank() == 0 ? 1 : b.shape().dim(-1);
    int m = transA ? ac : ar;
    int k = transA ? ar : ac;
    int kb = transB ? bc : br;
    int n = transB ? br : bc;
    if (k != kb) {
      throw new IllegalArgumentException(
          "matmul: inner dimensions differ: "
              + describe(a, transA)
              + " times "
              + describe(b, transB)
              + " ("
              + k
              + " vs "
              + kb
              + ")");
    }
    if (out.size() != m * n || out.shape().rank() == 0 || out.shape().dim(-1) != n) {
      throw new IllegalArgumentException(
          "matmul: output shape "
              + out.shape()
              + " does not hold the "
              + m
              + "x"
              + n
              + " product of "
              + describe(a, transA)
              + " and "
              + describe(b, transB));
    }
    if (!transA && !transB && ProductVector.suitsDots(n, k)) {
      ProductVector.forDots()
          .dots(
              m,
              k,
              a.array(),
              a.offset(),
              ac,
              b.array(),
              b.offset(),
              accumulate ? 1f : 0f,
              out.array(),
              out.offset(),
              1);
      return out;
    }
    if (!transA && !transB && ProductVector.suitsSkinny(m, n, k)) {
      ProductVector.skinny(
          m,
          n,
          k,
          a.array(),
          a.offset(),
          ac,
          b.array(),
          b.offset(),
          bc,
          accumulate ? 1f : 0f,
          out.array(),
          out.offset(),
          n);
      return out;
    }
    if (!transA && RowProducts.suits(m, n, k)) {
      RowProducts.product(
          m,
          n,
          k,
          a.array(),
          a.offset(),
          ac,
          transB,
          b.array(),
          b.offset(),
          bc,
          accumulate,
          out.array(),
          out.offset(),
          n);
      return out;
    }
    if (transA && !transB && ShallowProducts.suitsTall(m, n, k)) {
      ShallowProducts.tall(
          m,
          n,
          k,
          a.array(),
          a.offset(),
          ac,
          b.array(),
          b.offset(),
          bc,
          accumulate,
          out.array(),
          out.offset(),
          n);
      return out;
    }
    if (!transA && transB && ShallowProducts.suitsWide(m, n, k)) {
      ShallowProducts.wide(
          m,
          n,
          k,
          a.array(),
          a.offset(),
          ac,
          b.array(),
          b.offset(),
          bc,
          accumulate,
          out.array(),
          out.offset(),
          n);
      return out;
    }
    if (BlockedProducts.suits(m, n, k)) {
      BlockedProducts.product(
          transA,
          transB,
          m,
          n,
          k,
          a.array(),
          a.offset(),
          ac,
          b.array(),
          b.offset(),
          bc,
          accumulate,
          out.array(),
          out.offset(),
          n);
      return out;
    }
    Blas.current()
        .sgemm(
            transA,
            transB,
            m,
            n,
            k,
            1f,
            a.array(),
            a.offset(),
            ac,
            b.array(),
            b.offset(),
            bc,
            accumulate ? 1f : 0f,
            out.array(),
            out.offset(),
            n);
    return out;
  }

  /**
   * {@code a * b} into a new {@code (rows(a), cols(b))} tensor.
   *
   * @param a the left matrix: all leading axes are its rows, the last axis its columns
   * @param b the right matrix, seen the same way
   * @return a new tensor of shape {@code (rows(a), cols(b))}
   */
  public static Tensor matmul(Tensor a, Tensor b) {
    return matmul(a, false, b, false);
  }

  /**
   * {@code op(a) * op(b)} into a new tensor.
   *
   * @param a the left matrix: all leading axes are its rows, the last axis its columns
   * @param transA true to use {@code a} transposed
   * @param b the right matrix, seen the same way
   * @param transB true to use {@code b} transposed
   * @return a new tensor of shape {@code (rows(op(a)), cols(op(b)))}
   */
  public static Tensor matmul(Tensor a, boolean transA, Tensor b, boolean transB) {
    int m = transA ? a.shape().dim(-1) : rows(a);
    int n = transB ? rows(b) : b.shape().dim(-1);
    return matmul(a, transA, b, transB, Tensor.zeros(m, n), false);
  }

  private static int rows(Tensor t) {
    Shape s = t.shape();
    return s.rank() == 0 ? 1 : s.sizeTo(s.rank() - 1);
  }

  private static String describe(Tensor t, boolean trans) {
    return t.shape() + (trans ? "ᵀ" : "");
  }
}
