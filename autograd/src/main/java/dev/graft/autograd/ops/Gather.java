package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.Shape;
import java.util.Arrays;
import java.util.List;

/**
 * Rows of a table picked by integer-valued indices: {@code table (V, D)} and {@code indices} of any
 * shape give {@code indices.shape + (D,)} (an embedding lookup). Indices get no gradient; the
 * table's gradient is a scatter-add, so repeated indices accumulate.
 */
public final class Gather extends Op {
  private static final Gather INSTANCE = new Gather(null);
  private final String label;

  private Gather(String label) {
    this.label = label;
  }

  /**
   * {@code table[indices]}.
   *
   * @param table the rows to pick from, {@code (V, ...)}
   * @param indices integer-valued floats, any shape, each in {@code [0, V)}
   * @return a node of shape {@code indices.shape + table.shape[1:]}
   */
  public static Node of(Node table, Node indices) {
    return table.graph().apply(INSTANCE, table, indices);
  }

  /**
   * {@code table[indices]}, naming {@code label} (e.g. the layer) in index errors.
   *
   * @param table the rows to pick from, {@code (V, ...)}
   * @param indices integer-valued floats, any shape, each in {@code [0, V)}
   * @param label what an out-of-range index error names
   * @return a node of shape {@code indices.shape + table.shape[1:]}
   */
  public static Node of(Node table, Node indices, String label) {
    return table.graph().apply(new Gather(label), table, indices);
  }

  @Override
  public String kind() {
    return "gather";
  }

  @Override
  public Shape outputShape(List<Shape> inputs) {
    Shapes.arity(kind(), inputs, 2);
    Shape table = inputs.get(0);
    if (table.rank() != 2) {
      throw shapeError("the table must have rank 2 (rows, features); got " + table);
    }
    int[] d = Arrays.copyOf(inputs.get(1).toArray(), inputs.get(1).rank() + 1);
    d[d.length - 1] = table.dim(1);
    return Shape.of(d);
  }

  @Override
  public void forward(Args a) {
    try {
      dev.graft.tensor.layout.Gather.gather(a.input(0), a.input(1), a.output());
    } catch (IllegalArgumentException e) {
      if (label == null) {
        throw e;
      }
      throw new IllegalArgumentException("Layer \"" + label + "\": " + e.getMessage(), e);
    }
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    Node table = self.input(0);
    return Arrays.asList(
        table.graph().apply(new ScatterAdd(table.shape()), self.input(1), g), null);
  }

  /** The table gradient: {@code grad} rows added at {@code indices}. Backward-only. */
  static final class ScatterAdd extends Op {
    private final Shape tableShape;

    ScatterAdd(Shape tableShape) {
      this.tableShape = tableShape;
    }

    @Override
    public String kind() {
      return "scatter_add";
    }

    @Override
    public Shape outputShape(List<Shape> inputs) {
      return tableShape;
    }

    @Override
    public void forward(Args a) {
      a.output().fill(0f);
      dev.graft.tensor.layout.Gather.scatterAdd(a.input(0), a.input(1), a.output());
    }

    @Override
    public boolean isDifferentiable() {
      return false;
    }

    @Override
    public List<Node> gradients(Node self, Node g) {
      throw new UnsupportedOperationException("scatter_add is a backward op");
    }
  }
}
