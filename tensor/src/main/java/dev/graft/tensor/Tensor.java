package dev.graft.tensor;

import java.util.Arrays;

/**
 * A dense float32 tensor, row-major (last axis fastest), channels-last for images as in Keras.
 *
 * <p>A tensor is a window on a {@code float[]}: {@link #array()} from {@link #offset()}, {@link
 * #size()} elements. {@link #reshape} and {@link #slice} give views that share the array, so
 * kernels can write into part of a larger buffer without copies. Tensors live on the Java heap;
 * nothing needs closing.
 *
 * <pre>{@code
 * jshell> Tensor.of(new float[][] {{1, 2}, {3, 4}})
 * $1 ==> [[1., 2.],
 *         [3., 4.]]
 * }</pre>
 */
public final class Tensor {
  private final float[] data;
  private final int offset;
  private final Shape shape;
  private final int size;

  private Tensor(float[] data, int offset, Shape shape) {
    this.data = data;
    this.offset = offset;
    this.shape = shape;
    this.size = shape.size();
    if (offset < 0 || offset + size > data.length) {
      throw new IllegalArgumentException(
          "A tensor of shape "
              + shape
              + " at offset "
              + offset
              + " does not fit in an array of "
              + data.length
              + " floats");
    }
  }

  // ---- factories ----

  /**
   * A tensor of zeros.
   *
   * @param dims the dimensions, each {@code >= 0}
   * @return a new tensor of shape {@code dims}, backed by its own array
   */
  public static Tensor zeros(int... dims) {
    return zeros(Shape.of(dims));
  }

  /**
   * A tensor of zeros.
   *
   * @param shape a fully defined shape (no unknown dimension)
   * @return a new tensor of {@code shape}, backed by its own array
   */
  public static Tensor zeros(Shape shape) {
    requireDefined(shape);
    return new Tensor(new float[shape.size()], 0, shape);
  }

  /**
   * A tensor of ones.
   *
   * @param dims the dimensions, each {@code >= 0}
   * @return a new tensor of shape {@code dims}, backed by its own array
   */
  public static Tensor ones(int... dims) {
    return full(1f, dims);
  }

  /**
   * A tensor filled with {@code value}.
   *
   * @param value the value of every element
   * @param dims the dimensions, each {@code >= 0}
   * @return a new tensor of shape {@code dims}, backed by its own array
   */
  public static Tensor full(float value, int... dims) {
    Tensor t = zeros(dims);
    Arrays.fill(t.data, value);
    return t;
  }

  /**
   * A scalar (rank 0) tensor.
   *
   * @param value the single element
   * @return a new rank-0 tensor of one element
   */
  public static Tensor scalar(float value) {
    return new Tensor(new float[] {value}, 0, Shape.scalar());
  }

  /**
   * A rank-1 tensor holding a copy of {@code values}.
   *
   * @param values the elements (copied; later changes to the array do not show)
   * @return a new tensor of shape {@code (values.length)}
   */
  public static Tensor of(float... values) {
    return new Tensor(values.clone(), 0, Shape.of(values.length));
  }

  /**
   * A tensor of the given shape holding a copy of {@code values}.
   *
   * @param values the elements in row-major order (copied)
   * @param dims the shape; its size must equal {@code values.length}
   * @return a new tensor of shape {@code dims}
   * @throws IllegalArgumentException if the number of values does not match the shape
   */
  public static Tensor of(float[] values, int... dims) {
    Shape s = Shape.of(dims);
    requireDefined(s);
    if (s.size() != values.length) {
      throw new IllegalArgumentException(
          values.length + " values cannot fill a tensor of shape " + s + " (" + s.size() + ")");
    }
    return new Tensor(values.clone(), 0, s);
  }

  /**
   * A rank-2 tensor from rows of equal length.
   *
   * @param rows the rows, all of one length (copied)
   * @return a new tensor of shape {@code (rows.length, rows[0].length)}, or {@code (0, 0)} for no
   *     rows
   */
  public static Tensor of(float[][] rows) {
    int n = rows.length;
    int m = n == 0 ? 0 : rows[0].length;
    float[] d = new float[n * m];
    for (int i = 0; i < n; i++) {
      requireLength(rows[i].length, m, "row " + i);
      System.arraycopy(rows[i], 0, d, i * m, m);
    }
    return new Tensor(d, 0, Shape.of(n, m));
  }

  /**
   * A rank-3 tensor from nested arrays of equal lengths.
   *
   * @param values nested arrays {@code [d0][d1][d2]}, ragged nowhere (copied)
   * @return a new tensor of shape {@code (d0, d1, d2)}
   */
  public static Tensor of(float[][][] values) {
    Tensor[] parts = new Tensor[values.length];
    for (int i = 0; i < values.length; i++) {
      parts[i] = of(values[i]);
    }
    return stack(parts);
  }

  /**
   * A rank-4 tensor from nested arrays of equal lengths.
   *
   * @param values nested arrays {@code [d0][d1][d2][d3]}, ragged nowhere (copied)
   * @return a new tensor of shape {@code (d0, d1, d2, d3)}
   */
  public static Tensor of(float[][][][] values) {
    Tensor[] parts = new Tensor[values.length];
    for (int i = 0; i < values.length; i++) {
      parts[i] = of(values[i]);
    }
    return stack(parts);
  }

  /**
   * Wraps {@code data} without copying: the tensor and the array share their elements.
   *
   * @param data the array to share; writes through the tensor change it and the other way round
   * @param offset the index in {@code data} of the tensor's first element, {@code >= 0}
   * @param shape a fully defined shape; {@code offset + shape.size()} must not exceed {@code
   *     data.length}
   * @return a tensor viewing {@code data}
   * @throws IllegalArgumentException if the shape does not fit in the array from {@code offset}
   */
  public static Tensor wrap(float[] data, int offset, Shape shape) {
    requireDefined(shape);
    return new Tensor(data, offset, shape);
  }

  /**
   * Wraps {@code data} (from index 0) without copying.
   *
   * @param data the array to share, holding at least the shape's size of elements
   * @param dims the dimensions, each {@code >= 0}
   * @return a tensor viewing {@code data}
   */
  public static Tensor wrap(float[] data, int... dims) {
    return wrap(data, 0, Shape.of(dims));
  }

  /**
   * Stacks tensors of one shape along a new first axis.
   *
   * @param parts one or more tensors, all of the same shape {@code S} (copied)
   * @return a new tensor of shape {@code (parts.length, S...)}
   * @throws IllegalArgumentException if {@code parts} is empty or the shapes differ
   */
  public static Tensor stack(Tensor... parts) {
    if (parts.length == 0) {
      throw new IllegalArgumentException("stack needs at least one tensor");
    }
    Shape inner = parts[0].shape;
    Tensor out = zeros(inner.prepend(parts.length));
    for (int i = 0; i < parts.length; i++) {
      if (!parts[i].shape.equals(inner)) {
        throw new IllegalArgumentException(
            "stack: tensor " + i + " has shape " + parts[i].shape + ", expected " + inner);
      }
      parts[i].copyTo(out.data, i * inner.size());
    }
    return out;
  }

  /**
   * Uniform values in {@code [0, 1)} from the global generator.
   *
   * @param dims the dimensions, each {@code >= 0}
   * @return a new tensor of shape {@code dims}
   */
  public static Tensor rand(int... dims) {
    return rand(Rng.global(), dims);
  }

  /**
   * Uniform values in {@code [0, 1)} from {@code rng}.
   *
   * @param rng the generator to draw from (it advances)
   * @param dims the dimensions, each {@code >= 0}
   * @return a new tensor of shape {@code dims}
   */
  public static Tensor rand(Rng rng, int... dims) {
    return uniform(rng, 0f, 1f, dims);
  }

  /**
   * Uniform values in {@code [lo, hi)} from {@code rng}.
   *
   * @param rng the generator to draw from (it advances)
   * @param lo the inclusive lower bound
   * @param hi the exclusive upper bound
   * @param dims the dimensions, each {@code >= 0}
   * @return a new tensor of shape {@code dims}
   */
  public static Tensor uniform(Rng rng, float lo, float hi, int... dims) {
    Tensor t = zeros(dims);
    rng.uniform(t.data, 0, t.size, lo, hi);
    return t;
  }

  /**
   * Standard normal values from the global generator.
   *
   * @param dims the dimensions, each {@code >= 0}
   * @return a new tensor of shape {@code dims}
   */
  public static Tensor randn(int... dims) {
    return randn(Rng.global(), dims);
  }

  /**
   * Standard normal values from {@code rng}.
   *
   * @param rng the generator to draw from (it advances)
   * @param dims the dimensions, each {@code >= 0}
   * @return a new tensor of shape {@code dims}
   */
  public static Tensor randn(Rng rng, int... dims) {
    Tensor t = zeros(dims);
    rng.nextGaussians(t.data, 0, t.size);
    return t;
  }

  /**
   * Uniform integers in {@code [low, high)}, stored as floats, from the global generator.
   *
   * @param low the smallest value drawn (inclusive)
   * @param high the exclusive upper bound; must be greater than {@code low}
   * @param dims the dimensions, each {@code >= 0}
   * @return a new tensor of shape {@code dims}
   */
  public static Tensor randint(int low, int high, int... dims) {
    return randint(Rng.global(), low, high, dims);
  }

  /**
   * Uniform integers in {@code [low, high)}, stored as floats, from {@code rng}.
   *
   * @param rng the generator to draw from (it advances)
   * @param low the smallest value drawn (inclusive)
   * @param high the exclusive upper bound; must be greater than {@code low}
   * @param dims the dimensions, each {@code >= 0}
   * @return a new tensor of shape {@code dims}
   */
  public static Tensor randint(Rng rng, int low, int high, int... dims) {
    if (high <= low) {
      throw new IllegalArgumentException(
          "randint needs low < high; got low=" + low + ", high=" + high);
    }
    Tensor t = zeros(dims);
    for (int i = 0; i < t.size; i++) {
      t.data[i] = rng.nextInt(low, high);
    }
    return t;
  }

  /**
   * {@code [0, 1, ..., n-1]}.
   *
   * @param n the number of elements, {@code >= 0}
   * @return a new rank-1 tensor of {@code n} elements
   */
  public static Tensor arange(int n) {
    return arange(0, n, 1);
  }

  /**
   * {@code [start, start+step, ...)} up to but excluding {@code stop}.
   *
   * @param start the first value
   * @param stop the exclusive end
   * @param step the distance between values; non-zero (negative counts down)
   * @return a new rank-1 tensor of {@code max(0, ceil((stop - start) / step))} elements
   */
  public static Tensor arange(float start, float stop, float step) {
    if (step == 0 || Float.isNaN(step)) {
      throw new IllegalArgumentException("arange: step must be non-zero; got " + step);
    }
    int n = Math.max(0, (int) Math.ceil((stop - start) / step));
    Tensor t = zeros(n);
    for (int i = 0; i < n; i++) {
      t.data[i] = start + i * step;
    }
    return t;
  }

  // ---- structure ----

  /**
   * The shape.
   *
   * @return this tensor's shape (immutable)
   */
  public Shape shape() {
    return shape;
  }

  /**
   * The number of elements.
   *
   * @return the product of the dimensions; 1 for a scalar
   */
  public int size() {
    return size;
  }

  /**
   * The rank (number of axes).
   *
   * @return the number of dimensions; 0 for a scalar
   */
  public int rank() {
    return shape.rank();
  }

  /**
   * The backing array (shared, not a copy): elements {@code offset() .. offset()+size()-1}.
   *
   * @return the backing array itself, which may be longer than this tensor and shared with other
   *     views
   */
  public float[] array() {
    return data;
  }

  /**
   * Where this tensor's first element is in {@link #array()}.
   *
   * @return the index in {@link #array()} of element 0
   */
  public int offset() {
    return offset;
  }

  /**
   * A view with another shape of the same size; one dimension may be {@code -1} (inferred).
   *
   * @param dims the new dimensions, each {@code >= 0} except at most one {@code -1}
   * @return a tensor sharing this tensor's array (writes show in both)
   * @throws IllegalArgumentException if the sizes differ
   */
  public Tensor reshape(int... dims) {
    int[] d = dims.clone();
    int infer = -1;
    int known = 1;
    for (int i = 0; i < d.length; i++) {
      if (d[i] < -1) {
        throw new IllegalArgumentException(
            "reshape: cannot reshape "
                + shape
                + " into "
                + Arrays.toString(dims)
                + " (dimensions must be >= 0, or -1 once)");
      }
      if (d[i] == -1) {
        if (infer >= 0) {
          throw new IllegalArgumentException(
              "reshape: only one dimension may be -1; got " + Arrays.toString(dims));
        }
        infer = i;
      } else {
        known *= d[i];
      }
    }
    if (infer >= 0) {
      if (known == 0 || size % known != 0) {
        throw new IllegalArgumentException(
            "reshape: cannot reshape " + shape + " into " + Arrays.toString(dims));
      }
      d[infer] = size / known;
    }
    return reshape(Shape.of(d));
  }

  /**
   * A view with another shape of the same size.
   *
   * @param newShape a fully defined shape with the same size as this tensor
   * @return a tensor sharing this tensor's array (writes show in both)
   */
  public Tensor reshape(Shape newShape) {
    requireDefined(newShape);
    if (newShape.size() != size) {
      throw new IllegalArgumentException(
          "reshape: cannot reshape "
              + shape
              + " ("
              + size
              + " elements) into "
              + newShape
              + " ("
              + newShape.size()
              + " elements)");
    }
    return new Tensor(data, offset, newShape);
  }

  /**
   * A view of rows {@code [start, end)} along the first axis.
   *
   * @param start the first row, {@code 0 <= start <= end}
   * @param end the row after the last, at most {@code shape().dim(0)}
   * @return a tensor of shape {@code (end - start, ...)} sharing this tensor's array
   */
  public Tensor slice(int start, int end) {
    if (shape.rank() == 0 || start < 0 || end > shape.dim(0) || start > end) {
      throw new IllegalArgumentException(
          "slice [" + start + ", " + end + ") is out of range for shape " + shape);
    }
    int row = shape.sizeFrom(1);
    return new Tensor(data, offset + start * row, shape.withDim(0, end - start));
  }

  /**
   * A copy of rows {@code indices} along the first axis, in that order.
   *
   * @param indices row indices in {@code [0, shape().dim(0))}; repeats are allowed
   * @return a new tensor of shape {@code (indices.length, ...)}
   */
  public Tensor take(int[] indices) {
    int row = shape.sizeFrom(1);
    int n0 = shape.dim(0);
    Tensor out = zeros(shape.withDim(0, indices.length));
    for (int i = 0; i < indices.length; i++) {
      if (indices[i] < 0 || indices[i] >= n0) {
        throw new IllegalArgumentException(
            "take: index " + indices[i] + " is out of range [0, " + n0 + ") for shape " + shape);
      }
      System.arraycopy(data, offset + indices[i] * row, out.data, i * row, row);
    }
    return out;
  }

  // ---- elements ----

  private int flatIndex(int[] idx) {
    if (idx.length != shape.rank()) {
      throw new IllegalArgumentException(
          "Index " + Arrays.toString(idx) + " has " + idx.length + " axes; shape " + shape);
    }
    int f = 0;
    for (int i = 0; i < idx.length; i++) {
      int d = shape.dim(i);
      if (idx[i] < 0 || idx[i] >= d) {
        throw new IndexOutOfBoundsException(
            "Index " + Arrays.toString(idx) + " is out of range for shape " + shape);
      }
      f = f * d + idx[i];
    }
    return offset + f;
  }

  /**
   * The element at {@code idx} (one index per axis).
   *
   * @param idx one index per axis, each in {@code [0, dim)}
   * @return the element's value
   */
  public float get(int... idx) {
    return data[flatIndex(idx)];
  }

  /**
   * Sets the element at {@code idx}; returns this.
   *
   * @param value the new value
   * @param idx one index per axis, each in {@code [0, dim)}
   * @return this tensor, for chaining
   */
  public Tensor set(float value, int... idx) {
    data[flatIndex(idx)] = value;
    return this;
  }

  /**
   * The element at flat (row-major) position {@code i}.
   *
   * @param i the position in {@code [0, size())}, counted from {@link #offset()}
   * @return the element's value
   */
  public float getFlat(int i) {
    return data[offset + checkFlat(i)];
  }

  /**
   * Sets the element at flat position {@code i}; returns this.
   *
   * @param i the position in {@code [0, size())}, counted from {@link #offset()}
   * @param value the new value
   * @return this tensor, for chaining
   */
  public Tensor setFlat(int i, float value) {
    data[offset + checkFlat(i)] = value;
    return this;
  }

  private int checkFlat(int i) {
    if (i < 0 || i >= size) {
      throw new IndexOutOfBoundsException(
          "Flat index " + i + " is out of range [0, " + size + ") for shape " + shape);
    }
    return i;
  }

  /**
   * The single value of a one-element tensor.
   *
   * @return the value of the only element
   * @throws IllegalStateException if the tensor has more than one element
   */
  public float item() {
    if (size != 1) {
      throw new IllegalStateException("item() needs a one-element tensor; shape is " + shape);
    }
    return data[offset];
  }

  /**
   * The elements as a new array.
   *
   * @return a new array of {@link #size()} elements in row-major order
   */
  public float[] toArray() {
    return Arrays.copyOfRange(data, offset, offset + size);
  }

  /**
   * Copies the elements into {@code dst} from {@code dstOffset}.
   *
   * @param dst the destination; must hold {@code dstOffset + size()} elements
   * @param dstOffset where in {@code dst} the first element goes
   */
  public void copyTo(float[] dst, int dstOffset) {
    System.arraycopy(data, offset, dst, dstOffset, size);
  }

  /**
   * A deep copy.
   *
   * @return a new tensor of the same shape with its own array
   */
  public Tensor copy() {
    return new Tensor(toArray(), 0, shape);
  }

  /**
   * Copies {@code src}'s elements into this tensor; sizes must match. Returns this.
   *
   * @param src a tensor of the same size (its shape may differ)
   * @return this tensor, for chaining
   */
  public Tensor copyFrom(Tensor src) {
    if (src.size != size) {
      throw new IllegalArgumentException(
          "copyFrom: source shape " + src.shape + " does not match " + shape);
    }
    System.arraycopy(src.data, src.offset, data, offset, size);
    return this;
  }

  /**
   * Sets every element to {@code value}; returns this.
   *
   * @param value the value every element gets
   * @return this tensor, for chaining
   */
  public Tensor fill(float value) {
    Arrays.fill(data, offset, offset + size, value);
    return this;
  }

  /**
   * True if the shapes are equal and {@code |this - other| <= atol + rtol * |other|} everywhere
   * (NaNs never match).
   *
   * @param other the expected values; its shape must equal this tensor's for a match
   * @param rtol the relative tolerance, a fraction of {@code |other|}
   * @param atol the absolute tolerance
   * @return whether every pair of elements is within the tolerance
   */
  public boolean allClose(Tensor other, double rtol, double atol) {
    if (!shape.equals(other.shape)) {
      return false;
    }
    for (int i = 0; i < size; i++) {
      double a = data[offset + i];
      double b = other.data[other.offset + i];
      if (!(Math.abs(a - b) <= atol + rtol * Math.abs(b))) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@link #allClose(Tensor, double, double)} with NumPy's defaults rtol=1e-5, atol=1e-8.
   *
   * @param other the expected values; its shape must equal this tensor's for a match
   * @return whether every pair of elements is within the tolerance
   */
  public boolean allClose(Tensor other) {
    return allClose(other, 1e-5, 1e-8);
  }

  /** NumPy-like text; large tensors are summarised with {@code ...}. */
  @Override
  public String toString() {
    return TensorFormat.format(this);
  }

  private static void requireDefined(Shape s) {
    if (!s.isFullyDefined()) {
      throw new IllegalArgumentException("A tensor needs a fully defined shape; got " + s);
    }
  }

  private static void requireLength(int got, int want, String what) {
    if (got != want) {
      throw new IllegalArgumentException(
          "Ragged nested array: " + what + " has length " + got + ", expected " + want);
    }
  }
}
