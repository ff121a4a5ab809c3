package dev.graft.dsl.plot;

import dev.graft.dsl.plot.Diagram.Node;
import dev.graft.dsl.plot.Diagram.Port;
import java.util.ArrayList;
import java.util.List;

/**
 * Lays a model's layer-call graph out top to bottom: each call in the row after the calls feeding
 * it, rows centred, a nested model drawn as a box holding its own graph.
 */
final class GraphLayout {
  private static final double H_GAP = 24;
  private static final double V_GAP = 34;
  private static final double PAD = 12;
  private static final double LINE = 16;

  /** A drawable rectangle of known size. */
  abstract static class Block {
    double width;
    double height;

    abstract void draw(Svg svg, double x, double y);
  }

  /** The calls of one model, placed in rows, with the edges between them. */
  static final class Graph extends Block {
    private final List<Node> calls;
    private final List<Block> blocks = new ArrayList<>();
    private final List<double[]> at = new ArrayList<>();

    Graph(Diagram model) {
      calls = model.nodes();
      List<Integer> rank = new ArrayList<>();
      List<List<Integer>> rows = new ArrayList<>();
      for (int n = 0; n < calls.size(); n++) {
        Node c = calls.get(n);
        int r = 0;
        for (Port p : c.inputs()) {
          r = Math.max(r, rank.get(p.node()) + 1);
        }
        rank.add(r);
        while (rows.size() <= r) {
          rows.add(new ArrayList<>());
        }
        rows.get(r).add(n);
        blocks.add(blockFor(c));
        at.add(null);
      }
      place(rows);
    }

    private void place(List<List<Integer>> rows) {
      double[] rowWidth = new double[rows.size()];
      for (int r = 0; r < rows.size(); r++) {
        for (int n : rows.get(r)) {
          rowWidth[r] += blocks.get(n).width + (rowWidth[r] > 0 ? H_GAP : 0);
        }
        width = Math.max(width, rowWidth[r]);
      }
      double y = 0;
      for (int r = 0; r < rows.size(); r++) {
        double x = (width - rowWidth[r]) / 2;
        double rowHeight = 0;
        for (int n : rows.get(r)) {
          Block b = blocks.get(n);
          rowHeight = Math.max(rowHeight, b.height);
          at.set(n, new double[] {x, y});
          x += b.width + H_GAP;
        }
        y += rowHeight + (r < rows.size() - 1 ? V_GAP : 0);
      }
      height = y;
    }

    @Override
    void draw(Svg svg, double x, double y) {
      for (int n = 0; n < calls.size(); n++) {
        double[] p = at.get(n);
        Block b = blocks.get(n);
        List<Port> inputs = calls.get(n).inputs();
        int count = inputs.size();
        for (int k = 0; k < count; k++) {
          int src = inputs.get(k).node();
          double[] q = at.get(src);
          Block sb = blocks.get(src);
          svg.line(
              x + q[0] + sb.width / 2,
              y + q[1] + sb.height,
              x + p[0] + b.width * (k + 1) / (count + 1),
              y + p[1],
              "#555",
              "stroke-width=\"1.3\" marker-end=\"url(#arrow)\"");
        }
      }
      for (int n = 0; n < calls.size(); n++) {
        double[] p = at.get(n);
        blocks.get(n).draw(svg, x + p[0], y + p[1]);
      }
    }
  }

  /** One layer: its name and type, then its output shape. */
  static final class Leaf extends Block {
    private final String title;
    private final String shape;
    private final String fill;
    private final boolean frozen;

    Leaf(Node c) {
      frozen = c.frozen();
      title = c.name() + " (" + c.className() + ")" + (frozen ? " frozen" : "");
      shape = shapes(c.shapes());
      fill = c.input() ? "#dbeafe" : frozen ? "#e5e7eb" : "#f8fafc";
      width = Math.max(title.length(), shape.length()) * Svg.CHAR_WIDTH + 2 * PAD;
      height = 2 * LINE + PAD;
    }

    @Override
    void draw(Svg svg, double x, double y) {
      svg.rect(
          x,
          y,
          width,
          height,
          fill,
          "#334155",
          "rx=\"5\"" + (frozen ? " stroke-dasharray=\"4 3\"" : ""));
      svg.text(x + width / 2, y + LINE + 2, "middle", "font-weight=\"bold\"", title);
      svg.text(x + width / 2, y + 2 * LINE + 2, "middle", "fill=\"#475569\"", shape);
    }
  }

  /** A nested model: a titled box around its own graph. */
  static final class Nested extends Block {
    private final String title;
    private final Graph inner;
    private final boolean frozen;

    Nested(Node c) {
      frozen = c.frozen();
      title =
          c.name()
              + " ("
              + c.className()
              + ") "
              + String.format(java.util.Locale.ROOT, "%,d", c.nested().params())
              + " params"
              + (frozen ? ", frozen" : "");
      inner = new Graph(c.nested());
      width = Math.max(title.length() * Svg.CHAR_WIDTH, inner.width) + 2 * PAD;
      height = LINE + PAD + inner.height + 2 * PAD;
    }

    @Override
    void draw(Svg svg, double x, double y) {
      svg.rect(
          x,
          y,
          width,
          height,
          frozen ? "#f1f5f9" : "#fff7ed",
          "#c2410c",
          "rx=\"8\" stroke-width=\"1.5\"" + (frozen ? " stroke-dasharray=\"6 3\"" : ""));
      svg.text(x + PAD, y + LINE + 2, "start", "font-weight=\"bold\" fill=\"#9a3412\"", title);
      inner.draw(svg, x + (width - inner.width) / 2, y + LINE + 2 * PAD);
    }
  }

  private GraphLayout() {}

  static Block blockFor(Node c) {
    return c.nested() != null ? new Nested(c) : new Leaf(c);
  }

  /** One shape as it is, several as a bracketed list. */
  static String shapes(List<String> shapes) {
    return shapes.size() == 1 ? shapes.get(0) : "[" + String.join(", ", shapes) + "]";
  }
}
