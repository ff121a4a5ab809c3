package dev.graft.dsl.plot;

import dev.graft.dsl.Layer;
import dev.graft.dsl.LayerCall;
import dev.graft.dsl.Model;
import dev.graft.dsl.SymbolicTensor;
import dev.graft.dsl.internal.FunctionalGraph;
import dev.graft.layers.InputLayer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

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
    private final List<LayerCall> calls = new ArrayList<>();
    private final Map<LayerCall, Block> blocks = new IdentityHashMap<>();
    private final Map<LayerCall, double[]> at = new IdentityHashMap<>();

    Graph(Model model) {
      FunctionalGraph g = new FunctionalGraph(model.inputs(), model.outputs());
      for (SymbolicTensor t : model.inputs()) {
        calls.add(t.producer());
      }
      calls.addAll(g.order());
      Map<LayerCall, Integer> rank = new IdentityHashMap<>();
      List<List<LayerCall>> rows = new ArrayList<>();
      for (LayerCall c : calls) {
        int r = 0;
        for (SymbolicTensor t : c.inputs()) {
          Integer p = rank.get(t.producer());
          r = Math.max(r, p == null ? 0 : p + 1);
        }
        rank.put(c, r);
        while (rows.size() <= r) {
          rows.add(new ArrayList<>());
        }
        rows.get(r).add(c);
        blocks.put(c, blockFor(c));
      }
      place(rows);
    }

    private void place(List<List<LayerCall>> rows) {
      double[] rowWidth = new double[rows.size()];
      for (int r = 0; r < rows.size(); r++) {
        for (LayerCall c : rows.get(r)) {
          rowWidth[r] += blocks.get(c).width + (rowWidth[r] > 0 ? H_GAP : 0);
        }
        width = Math.max(width, rowWidth[r]);
      }
      double y = 0;
      for (int r = 0; r < rows.size(); r++) {
        double x = (width - rowWidth[r]) / 2;
        double rowHeight = 0;
        for (LayerCall c : rows.get(r)) {
          Block b = blocks.get(c);
          rowHeight = Math.max(rowHeight, b.height);
          at.put(c, new double[] {x, y});
          x += b.width + H_GAP;
        }
        y += rowHeight + (r < rows.size() - 1 ? V_GAP : 0);
      }
      height = y;
    }

    @Override
    void draw(Svg svg, double x, double y) {
      for (LayerCall c : calls) {
        double[] p = at.get(c);
        Block b = blocks.get(c);
        int n = c.inputs().size();
        for (int k = 0; k < n; k++) {
          LayerCall src = c.inputs().get(k).producer();
          double[] q = at.get(src);
          Block sb = blocks.get(src);
          svg.line(
              x + q[0] + sb.width / 2,
              y + q[1] + sb.height,
              x + p[0] + b.width * (k + 1) / (n + 1),
              y + p[1],
              "#555",
              "stroke-width=\"1.3\" marker-end=\"url(#arrow)\"");
        }
      }
      for (LayerCall c : calls) {
        double[] p = at.get(c);
        blocks.get(c).draw(svg, x + p[0], y + p[1]);
      }
    }
  }

  /** One layer: its name and type, then its output shape. */
  static final class Leaf extends Block {
    private final String title;
    private final String shape;
    private final String fill;
    private final boolean frozen;

    Leaf(LayerCall c) {
      Layer l = c.layer();
      frozen = isFrozen(l);
      title = l.name() + " (" + l.className() + ")" + (frozen ? " frozen" : "");
      shape = shapes(c.outputs());
      fill = l instanceof InputLayer ? "#dbeafe" : frozen ? "#e5e7eb" : "#f8fafc";
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

    Nested(LayerCall c, Model m) {
      frozen = isFrozen(m);
      title =
          m.name()
              + " ("
              + m.className()
              + ") "
              + String.format(java.util.Locale.ROOT, "%,d", m.countParams())
              + " params"
              + (frozen ? ", frozen" : "");
      inner = new Graph(m);
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

  static Block blockFor(LayerCall c) {
    if (c.layer() instanceof Model m && m.hasGraph()) {
      return new Nested(c, m);
    }
    return new Leaf(c);
  }

  /** True if the layer has weights and none of them is trained. */
  static boolean isFrozen(Layer l) {
    return !l.weights().isEmpty() && l.trainableWeights().isEmpty();
  }

  static String shapes(List<SymbolicTensor> ts) {
    List<String> s = new ArrayList<>();
    for (SymbolicTensor t : ts) {
      s.add(t.shape().toString());
    }
    return s.size() == 1 ? s.get(0) : "[" + String.join(", ", s) + "]";
  }
}
