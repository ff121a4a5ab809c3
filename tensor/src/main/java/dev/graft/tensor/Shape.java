package dev.graft.tensor;

import java.util.Arrays;

/**
 * An immutable tensor shape: a list of dimensions, where {@link #UNKNOWN} ({@code -1}) marks a
 * dimension not known yet (Keras's {@code None}, usually the batch).
 *
 * <pre>{@code
 * jshell> Shape.of(32, 64)
 * $1 ==> (32, 64)
 * jshell> Shape.batched(64)
 * $2 ==> (None, 64)
 * }</pre>
 */
public final class Shape {
  /** The marker of an unknown dimension, printed as {@code None}. */
  public static final int UNKNOWN = -1;

  private static final Shape SCALAR = new Shape(new int[0]);

  private final int[] dims;

  private Shape(int[] dims) {
    this.dims = dims;
  }

  /**
   * A shape with the given dimensions.
   *
   * @param dims the dimensions, {@link #UNKNOWN} for an unknown one
   * @return the shape
   * @throws IllegalArgumentException if a dimension is negative and not {@link #UNKNOWN}
   */
  public static Shape of(int... dims) {
    if (dims.length == 0) {
      return SCALAR;
    }
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] < 0 && dims[i] != UNKNOWN) {
        throw new IllegalArgumentException(
            "Shape dimensions must be >= 0 or Shape.UNKNOWN (-1); got "
                + Arrays.toString(dims)
                + " (dimension "
                + i
                + ")");
      }
    }
    return new Shape(dims.clone());
  }

  /**
   * The shape of a scalar: rank 0, one element.
   *
   * @return the shape {@code ()}
   */
  public static Shape scalar() {
    return SCALAR;
  }

  /**
   * {@code (None, dims...)}: a batch of samples of the given shape.
   *
   * @param sampleDims the dimensions of one sample
   * @return the batched shape
   */
  public static Shape batched(int... sampleDims) {
    int[] d = new int[sampleDims.length + 1];
    d[0] = UNKNOWN;
    System.arraycopy(sampleDims, 0, d, 1, sampleDims.length);
    return of(d);
  }

  /**
   * The number of dimensions.
   *
   * @return the rank
   */
  public int rank() {
    return dims.length;
  }

  /**
   * The dimension at {@code axis}; a negative axis counts from the end ({@code -1} is the last).
   *
   * @param axis the axis, in {@code [-rank, rank)}
   * @return the dimension, or {@link #UNKNOWN}
   */
  public int dim(int axis) {
    return dims[normalizeAxis(axis)];
  }

  /**
   * The dimensions as a new array.
   *
   * @return a copy of the dimensions
   */
  public int[] toArray() {
    return dims.clone();
  }

  /**
   * True if no dimension is {@link #UNKNOWN}.
   *
   * @return whether every dimension is known
   */
  public boolean isFullyDefined() {
    for (int d : dims) {
      if (d == UNKNOWN) {
        return false;
      }
    }
    return true;
  }

  /**
   * The number of elements.
   *
   * @return the product of the dimensions
   * @throws IllegalStateException if a dimension is unknown
   */
  public int size() {
    long n = 1;
    for (int d : dims) {
      if (d == UNKNOWN) {
        throw new IllegalStateException("Shape " + this + " has an unknown dimension: no size");
      }
      n *= d;
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalStateException("Shape " + this + " has more than 2^31-1 elements");
    }
    return (int) n;
  }

  /**
   * The number of elements of the dimensions from {@code fromAxis} to the end.
   *
   * @param fromAxis the first axis counted
   * @return the product of those dimensions
   */
  public int sizeFrom(int fromAxis) {
    int n = 1;
    for (int i = fromAxis; i < dims.length; i++) {
      n *= dims[i];
    }
    return n;
  }

  /**
   * The number of elements of the dimensions before {@code toAxis}.
   *
   * @param toAxis the first axis not counted
   * @return the product of those dimensions
   */
  public int sizeTo(int toAxis) {
    int n = 1;
    for (int i = 0; i < toAxis; i++) {
      n *= dims[i];
    }
    return n;
  }

  /**
   * Row-major strides, in elements.
   *
   * @return one stride per dimension
   */
  public int[] strides() {
    int[] s = new int[dims.length];
    int acc = 1;
    for (int i = dims.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= dims[i];
    }
    return s;
  }

  /**
   * This shape with the dimension at {@code axis} replaced.
   *
   * @param axis the axis to replace
   * @param dim its new dimension
   * @return the new shape
   */
  public Shape withDim(int axis, int dim) {
    int[] d = dims.clone();
    d[normalizeAxis(axis)] = dim;
    return of(d);
  }

  /**
   * This shape with its first dimension replaced (e.g. a concrete batch size).
   *
   * @param batch the new first dimension
   * @return the new shape
   */
  public Shape withBatch(int batch) {
    return withDim(0, batch);
  }

  /**
   * This shape without its first dimension.
   *
   * @return the shape of rank one less
   */
  public Shape dropFirst() {
    requireRankAtLeast(1);
    return of(Arrays.copyOfRange(dims, 1, dims.length));
  }

  /**
   * This shape without its last dimension.
   *
   * @return the shape of rank one less
   */
  public Shape dropLast() {
    requireRankAtLeast(1);
    return of(Arrays.copyOf(dims, dims.length - 1));
  }

  /**
   * {@code (first, this...)}.
   *
   * @param first the new first dimension
   * @return the shape of rank one more
   */
  public Shape prepend(int first) {
    int[] d = new int[dims.length + 1];
    d[0] = first;
    System.arraycopy(dims, 0, d, 1, dims.length);
    return of(d);
  }

  /**
   * {@code (this..., last)}.
   *
   * @param last the new last dimension
   * @return the shape of rank one more
   */
  public Shape append(int last) {
    int[] d = Arrays.copyOf(dims, dims.length + 1);
    d[dims.length] = last;
    return of(d);
  }

  /**
   * Turns a possibly negative axis into one in {@code [0, rank)}.
   *
   * @param axis the axis, in {@code [-rank, rank)}
   * @return the axis in {@code [0, rank)}
   * @throws IllegalArgumentException if the axis is out of range
   */
  public int normalizeAxis(int axis) {
    int a = axis < 0 ? axis + dims.length : axis;
    if (a < 0 || a >= dims.length) {
      throw new IllegalArgumentException(
          "Axis " + axis + " is out of range for shape " + this + " of rank " + dims.length);
    }
    return a;
  }

  private void requireRankAtLeast(int r) {
    if (dims.length < r) {
      throw new IllegalStateException("Shape " + this + " has rank below " + r);
    }
  }

  /**
   * True if the shapes agree in rank and in every dimension known in both.
   *
   * @param other the shape to compare with
   * @return whether they are compatible
   */
  public boolean isCompatibleWith(Shape other) {
    if (other.dims.length != dims.length) {
      return false;
    }
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] != UNKNOWN && other.dims[i] != UNKNOWN && dims[i] != other.dims[i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape s && Arrays.equals(dims, s.dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  /** Keras/Python style: {@code (None, 64)}, {@code (3,)} for rank 1, {@code ()} for a scalar. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("(");
    for (int i = 0; i < dims.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(dims[i] == UNKNOWN ? "None" : Integer.toString(dims[i]));
    }
    if (dims.length == 1) {
      sb.append(',');
    }
    return sb.append(')').toString();
  }
}
