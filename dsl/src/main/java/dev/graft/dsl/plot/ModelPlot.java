package dev.graft.dsl.plot;

import dev.graft.dsl.plot.Diagram.Node;
import dev.graft.dsl.plot.Diagram.Port;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Pictures of a model's graph (Keras's {@code plot_model}): each layer call a box with its name,
 * type and output shape, arrows from inputs to outputs, nested models drawn as boxes around their
 * own layers, frozen parts dashed and grey. As SVG (no tools needed) or Graphviz DOT.
 */
public final class ModelPlot {
  private static final double MARGIN = 16;

  private ModelPlot() {}

  /**
   * The model's graph as an SVG document.
   *
   * @param model the model's description, as {@code Model.plot} makes it
   * @return a standalone SVG document: a title with the parameter counts above the graph
   */
  public static String svg(Diagram model) {
    GraphLayout.Graph g = new GraphLayout.Graph(model);
    Svg svg = new Svg();
    String title = "Model \"" + model.name() + "\" (" + model.className() + ")";
    svg.text(MARGIN, MARGIN + 12, "start", "font-size=\"14\" font-weight=\"bold\"", title);
    svg.text(
        MARGIN,
        MARGIN + 30,
        "start",
        "fill=\"#475569\"",
        String.format(Locale.ROOT, "%,d params", model.params())
            + String.format(Locale.ROOT, ", %,d trainable", model.trainableParams()));
    double top = MARGIN + 46;
    double width = Math.max(g.width, (title.length() + 2) * Svg.CHAR_WIDTH);
    g.draw(svg, MARGIN + (width - g.width) / 2, top);
    return svg.document(width + 2 * MARGIN, top + g.height + MARGIN);
  }

  /**
   * The model's graph in Graphviz DOT; nested models are clusters.
   *
   * @param model the model's description, as {@code Model.plot} makes it
   * @return a {@code digraph} named after the model, laid out top to bottom
   */
  public static String dot(Diagram model) {
    StringBuilder sb = new StringBuilder();
    sb.append("digraph ").append(quote(model.name())).append(" {\n");
    sb.append("  rankdir=TB;\n");
    sb.append("  node [shape=box, style=\"rounded,filled\", fillcolor=\"#f8fafc\",");
    sb.append(" fontname=\"monospace\", fontsize=10];\n");
    new Dot(sb).model(model, "  ");
    sb.append("}\n");
    return sb.toString();
  }

  /**
   * Writes the picture to {@code path}: SVG for {@code .svg}, DOT for {@code .dot} or {@code .gv}.
   *
   * @param model the model's description, as {@code Model.plot} makes it
   * @param path the file to write; missing parent folders are created and an existing file is
   *     replaced
   * @throws IllegalArgumentException for another extension
   * @throws UncheckedIOException if the file cannot be written
   */
  public static void write(Diagram model, Path path) {
    String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
    String text;
    if (name.endsWith(".svg")) {
      text = svg(model);
    } else if (name.endsWith(".dot") || name.endsWith(".gv")) {
      text = dot(model);
    } else {
      throw new IllegalArgumentException(
          "plot: the file must end in .svg, .dot or .gv; Received: " + path);
    }
    writeText(path, text);
  }

  static void writeText(Path path, String text) {
    try {
      Path parent = path.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(path, text);
    } catch (IOException e) {
      throw new UncheckedIOException("plot: cannot write " + path + ": " + e.getMessage(), e);
    }
  }

  static String quote(String s) {
    return "\"" + escape(s) + "\"";
  }

  private static String escape(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  /** Emits nodes and edges; a nested call becomes a cluster wired through its inner inputs. */
  private static final class Dot {
    private final StringBuilder sb;
    private int next;

    Dot(StringBuilder sb) {
      this.sb = sb;
    }

    /** Emits a model's calls; returns the node id producing each output. */
    List<String> model(Diagram model, String indent) {
      return body(model, indent, null);
    }

    private List<String> body(Diagram model, String indent, List<String> feeds) {
      // ids.get(n).get(k): the DOT node that stands for output k of diagram node n.
      List<List<String>> ids = new ArrayList<>();
      for (int n = 0; n < model.nodes().size(); n++) {
        Node c = model.nodes().get(n);
        List<String> from = new ArrayList<>();
        for (Port p : c.inputs()) {
          from.add(ids.get(p.node()).get(p.output()));
        }
        if (c.inputs().isEmpty() && feeds != null) {
          from.add(feeds.get(model.inputs().indexOf(n)));
        }
        List<String> outs;
        if (c.nested() != null) {
          outs = cluster(c, indent, from);
        } else {
          String id = "n" + next++;
          String label =
              escape(c.name() + " (" + c.className() + ")")
                  + "\\n"
                  + escape(GraphLayout.shapes(c.shapes()));
          sb.append(indent).append(id).append(" [label=\"").append(label).append('"');
          if (c.frozen()) {
            sb.append(", fillcolor=\"#e5e7eb\", style=\"rounded,filled,dashed\"");
          }
          sb.append("];\n");
          for (String f : from) {
            sb.append(indent).append(f).append(" -> ").append(id).append(";\n");
          }
          outs = new ArrayList<>();
          for (int k = 0; k < c.shapes().size(); k++) {
            outs.add(id);
          }
        }
        ids.add(outs);
      }
      List<String> result = new ArrayList<>();
      for (Port p : model.outputs()) {
        result.add(ids.get(p.node()).get(p.output()));
      }
      return result;
    }

    private List<String> cluster(Node c, String indent, List<String> from) {
      sb.append(indent).append("subgraph cluster_").append(next++).append(" {\n");
      String inner = indent + "  ";
      String label = c.name() + " (" + c.className() + ")" + (c.frozen() ? " frozen" : "");
      sb.append(inner).append("label=").append(quote(label)).append(";\n");
      sb.append(inner).append("style=\"rounded\"; color=\"#c2410c\";\n");
      List<String> outs = body(c.nested(), inner, from);
      sb.append(indent).append("}\n");
      return outs;
    }
  }
}
