package dev.graft.dsl.internal;

import dev.graft.autograd.Variable;
import dev.graft.dsl.Layer;
import dev.graft.dsl.LayerCall;
import dev.graft.dsl.Model;
import dev.graft.dsl.Sequential;
import dev.graft.dsl.SymbolicTensor;
import dev.graft.layers.InputLayer;
import dev.graft.tensor.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Keras 3's {@code model.summary()} table: Layer (type), Output Shape, Param #, Connected to (for
 * functional models) and Trainable, then total, trainable and non-trainable counts with sizes.
 * Nested models are one row with their own count, or expanded beneath it.
 */
public final class Summary {
  private static final int[] WIDTHS = {34, 24, 12, 30, 9};

  private Summary() {}

  /**
   * The summary of {@code model} as text.
   *
   * @param model the model
   * @param expandNested true to list nested models' layers too
   * @return Keras's summary table as text
   */
  public static String of(Model model, boolean expandNested) {
    boolean connected = !(model instanceof Sequential);
    StringBuilder sb = new StringBuilder();
    sb.append("Model: \"").append(model.name()).append("\"\n");
    String[] head = {"Layer (type)", "Output Shape", "Param #", "Connected to", "Trainable"};
    rule(sb, '┏', '┳', '┓', '━', connected);
    row(sb, head, connected, '┃');
    rule(sb, '┡', '╇', '┩', '━', connected);
    List<String[]> rows = new ArrayList<>();
    collect(model, expandNested, "", rows);
    for (int i = 0; i < rows.size(); i++) {
      String[] r = rows.get(i);
      row(sb, r, connected, '│');
      if (i < rows.size() - 1 && !r[0].startsWith(" ")) {
        String next = rows.get(i + 1)[0];
        if (!next.startsWith(" ")) {
          rule(sb, '├', '┼', '┤', '─', connected);
        }
      }
    }
    rule(sb, '└', '┴', '┘', '─', connected);
    long total = 0;
    long trainable = 0;
    for (Variable v : model.weights()) {
      total += v.shape().size();
      trainable += v.trainable() ? v.shape().size() : 0;
    }
    sb.append(" Total params: ").append(count(total)).append('\n');
    sb.append(" Trainable params: ").append(count(trainable)).append('\n');
    sb.append(" Non-trainable params: ").append(count(total - trainable)).append('\n');
    return sb.toString();
  }

  private static void collect(Model model, boolean expand, String indent, List<String[]> rows) {
    for (Layer l : model.layers()) {
      if (l instanceof InputLayer && model instanceof Sequential) {
        continue;
      }
      List<LayerCall> calls = callsIn(l, model);
      String shape = calls.isEmpty() ? "?" : shapes(calls.get(0).outputs());
      List<String> links = new ArrayList<>();
      for (LayerCall c : calls) {
        for (SymbolicTensor t : c.inputs()) {
          LayerCall p = t.producer();
          links.add(p.layer().name() + "[" + p.index() + "][" + t.index() + "]");
        }
      }
      String first = indent + l.name() + " (" + l.className() + ")";
      rows.add(
          new String[] {
            first,
            shape,
            String.format(Locale.ROOT, "%,d", l.countParams()),
            links.isEmpty() ? "-" : String.join(", ", links),
            trainableMark(l)
          });
      if (expand && l instanceof Model nested && nested.hasGraph()) {
        collect(nested, true, indent + "  ", rows);
      }
    }
  }

  private static String trainableMark(Layer l) {
    List<Variable> ws = l.weights();
    if (ws.isEmpty()) {
      return "-";
    }
    long frozen = ws.stream().filter(v -> !v.trainable()).count();
    return frozen == 0 ? "Y" : frozen == ws.size() ? "N" : "partly";
  }

  /** The calls of {@code l} that belong to {@code model}'s graph. */
  private static List<LayerCall> callsIn(Layer l, Model model) {
    List<LayerCall> out = new ArrayList<>();
    Set<SymbolicTensor> tensors = Collections.newSetFromMap(new IdentityHashMap<>());
    for (SymbolicTensor t : model.inputs()) {
      tensors.add(t);
    }
    for (LayerCall c : l.calls()) {
      boolean inModel =
          c.layer() instanceof InputLayer
              ? model.inputs().contains(c.outputs().get(0))
              : c.inputs().stream().allMatch(t -> reaches(t, model, tensors));
      if (inModel) {
        out.add(c);
      }
    }
    return out;
  }

  private static boolean reaches(SymbolicTensor t, Model model, Set<SymbolicTensor> inputs) {
    if (inputs.contains(t)) {
      return true;
    }
    if (t.producer().layer() instanceof InputLayer) {
      return false;
    }
    for (SymbolicTensor x : t.producer().inputs()) {
      if (!reaches(x, model, inputs)) {
        return false;
      }
    }
    return true;
  }

  private static String shapes(List<SymbolicTensor> ts) {
    if (ts.size() == 1) {
      return shape(ts.get(0).shape());
    }
    List<String> s = new ArrayList<>();
    ts.forEach(t -> s.add(shape(t.shape())));
    return "[" + String.join(", ", s) + "]";
  }

  private static String shape(Shape s) {
    return s.toString();
  }

  static String count(long params) {
    double bytes = params * 4.0;
    String size;
    if (bytes < 1024) {
      size = String.format(Locale.ROOT, "%.2f B", bytes);
    } else if (bytes < 1024 * 1024) {
      size = String.format(Locale.ROOT, "%.2f KB", bytes / 1024);
    } else if (bytes < 1024.0 * 1024 * 1024) {
      size = String.format(Locale.ROOT, "%.2f MB", bytes / 1024 / 1024);
    } else {
      size = String.format(Locale.ROOT, "%.2f GB", bytes / 1024 / 1024 / 1024);
    }
    return String.format(Locale.ROOT, "%,d (%s)", params, size);
  }

  private static void rule(StringBuilder sb, char l, char mid, char r, char fill, boolean conn) {
    sb.append(l);
    for (int c = 0; c < WIDTHS.length; c++) {
      if (c == 3 && !conn) {
        continue;
      }
      if (c > 0) {
        sb.append(mid);
      }
      sb.append(String.valueOf(fill).repeat(WIDTHS[c] + 2));
    }
    sb.append(r).append('\n');
  }

  private static void row(StringBuilder sb, String[] cells, boolean conn, char bar) {
    List<List<String>> wrapped = new ArrayList<>();
    int lines = 1;
    for (int c = 0; c < cells.length; c++) {
      List<String> w = wrap(cells[c], WIDTHS[c]);
      wrapped.add(w);
      if (c != 3 || conn) {
        lines = Math.max(lines, w.size());
      }
    }
    for (int line = 0; line < lines; line++) {
      sb.append(bar);
      for (int c = 0; c < cells.length; c++) {
        if (c == 3 && !conn) {
          continue;
        }
        String text = line < wrapped.get(c).size() ? wrapped.get(c).get(line) : "";
        boolean right = c == 2;
        String pad = " ".repeat(WIDTHS[c] - text.length());
        sb.append(' ').append(right ? pad + text : text + pad).append(' ').append(bar);
      }
      sb.append('\n');
    }
  }

  private static List<String> wrap(String text, int width) {
    List<String> out = new ArrayList<>();
    String rest = text;
    while (rest.length() > width) {
      int cut = rest.lastIndexOf(' ', width);
      if (cut <= 0) {
        cut = width;
      }
      out.add(rest.substring(0, cut).stripTrailing());
      rest = rest.substring(cut).stripLeading();
    }
    out.add(rest);
    return out;
  }
}
