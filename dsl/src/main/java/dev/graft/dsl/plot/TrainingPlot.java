package dev.graft.dsl.plot;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Training curves as SVG: one panel per logged quantity ({@code loss}, {@code accuracy}, ...) with
 * epochs across, one colour per run, training values solid and validation values dashed.
 */
public final class TrainingPlot {
  private static final String[] COLOURS = {
    "#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#4b5563", "#be185d"
  };
  private static final double PANEL_W = 420;
  private static final double PANEL_H = 280;
  private static final double LEFT = 62;
  private static final double TOP = 36;
  private static final double BOTTOM = 42;
  private static final double RIGHT = 20;
  private static final int COLUMNS = 2;

  private TrainingPlot() {}

  /**
   * The curves of one run as an SVG document.
   *
   * @param run the logged values; the legend names the run {@code model}
   * @return a standalone SVG document: one panel per quantity, two panels a row
   */
  public static String svg(Curves run) {
    return svg(Map.of("model", run));
  }

  /**
   * The curves of several runs, named, as one SVG document (a colour per run).
   *
   * @param runs each run's legend name to its logged values, drawn in the map's iteration order
   * @return a standalone SVG document: one panel per quantity, two panels a row
   * @throws IllegalArgumentException if {@code runs} is empty
   */
  public static String svg(Map<String, Curves> runs) {
    if (runs.isEmpty()) {
      throw new IllegalArgumentException("plot: no histories to draw");
    }
    Set<String> quantities = new LinkedHashSet<>();
    for (Curves h : runs.values()) {
      for (String k : h.series().keySet()) {
        quantities.add(k.startsWith("val_") ? k.substring(4) : k);
      }
    }
    Svg svg = new Svg();
    int i = 0;
    for (String q : quantities) {
      double x = (i % COLUMNS) * PANEL_W;
      double y = (i / COLUMNS) * PANEL_H;
      panel(svg, x, y, q, runs);
      i++;
    }
    int rows = (quantities.size() + COLUMNS - 1) / COLUMNS;
    double legendTop = rows * PANEL_H + 8;
    double legendHeight = legend(svg, legendTop, runs);
    double width = Math.min(quantities.size(), COLUMNS) * PANEL_W;
    return svg.document(width, legendTop + legendHeight);
  }

  /**
   * Writes the curves of one run to an {@code .svg} file.
   *
   * @param run the logged values
   * @param path the file to write, ending in {@code .svg}; missing parent folders are created and
   *     an existing file is replaced
   * @throws IllegalArgumentException if {@code path} does not end in {@code .svg}
   * @throws UncheckedIOException if the file cannot be written
   */
  public static void write(Curves run, Path path) {
    write(Map.of("model", run), path);
  }

  /**
   * Writes the curves of several named runs to an {@code .svg} file.
   *
   * @param runs each run's legend name to its logged values, drawn in the map's iteration order
   * @param path the file to write, ending in {@code .svg}; missing parent folders are created and
   *     an existing file is replaced
   * @throws IllegalArgumentException if {@code runs} is empty or {@code path} does not end in
   *     {@code .svg}
   * @throws UncheckedIOException if the file cannot be written
   */
  public static void write(Map<String, Curves> runs, Path path) {
    if (!path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".svg")) {
      throw new IllegalArgumentException("plot: the file must end in .svg; Received: " + path);
    }
    ModelPlot.writeText(path, svg(runs));
  }

  private static void panel(Svg svg, double x0, double y0, String q, Map<String, Curves> runs) {
    Map<String, List<double[]>> series = new LinkedHashMap<>();
    double lo = Double.POSITIVE_INFINITY;
    double hi = Double.NEGATIVE_INFINITY;
    int maxEpoch = 1;
    int minEpoch = Integer.MAX_VALUE;
    for (Map.Entry<String, Curves> run : runs.entrySet()) {
      for (String key : List.of(q, "val_" + q)) {
        List<Double> v = run.getValue().series().get(key);
        if (v == null) {
          continue;
        }
        List<Integer> ep = run.getValue().epochs();
        List<double[]> pts = new ArrayList<>();
        for (int k = 0; k < v.size(); k++) {
          double e = (k < ep.size() ? ep.get(k) : k) + 1;
          double val = v.get(k);
          if (Double.isFinite(val)) {
            pts.add(new double[] {e, val});
            lo = Math.min(lo, val);
            hi = Math.max(hi, val);
          }
          maxEpoch = Math.max(maxEpoch, (int) e);
          minEpoch = Math.min(minEpoch, (int) e);
        }
        series.put(run.getKey() + "\u0000" + key, pts);
      }
    }
    if (!(lo <= hi)) {
      lo = 0;
      hi = 1;
    }
    if (hi - lo < 1e-9) {
      lo -= 0.5;
      hi += 0.5;
    }
    double step = niceStep((hi - lo) / 5);
    lo = Math.floor(lo / step) * step;
    hi = Math.ceil(hi / step) * step;
    double xLo = Math.min(minEpoch, maxEpoch) - (maxEpoch <= minEpoch ? 0.5 : 0);
    double xHi = maxEpoch + (maxEpoch <= minEpoch ? 0.5 : 0);
    Axes a = new Axes(x0 + LEFT, y0 + TOP, PANEL_W - LEFT - RIGHT, PANEL_H - TOP - BOTTOM);
    a.draw(svg, q, xLo, xHi, lo, hi, step);
    int run = 0;
    for (Map.Entry<String, Curves> r : runs.entrySet()) {
      String colour = COLOURS[run++ % COLOURS.length];
      for (String key : List.of(q, "val_" + q)) {
        List<double[]> pts = series.get(r.getKey() + "\u0000" + key);
        if (pts == null) {
          continue;
        }
        String dash = key.startsWith("val_") ? "stroke-dasharray=\"6 4\"" : "";
        StringBuilder sb = new StringBuilder();
        for (double[] p : pts) {
          double px = a.x(p[0], xLo, xHi);
          double py = a.y(p[1], lo, hi);
          sb.append(String.format(Locale.ROOT, "%.1f,%.1f ", px, py));
          svg.circle(px, py, 3, colour);
        }
        svg.polyline(sb, colour, dash);
      }
    }
  }

  private static double legend(Svg svg, double top, Map<String, Curves> runs) {
    double x = LEFT;
    double y = top + 12;
    int run = 0;
    for (String name : runs.keySet()) {
      String colour = COLOURS[run++ % COLOURS.length];
      double w = 30 + name.length() * Svg.CHAR_WIDTH + 24;
      if (x + w > COLUMNS * PANEL_W - RIGHT && x > LEFT) {
        x = LEFT;
        y += 20;
      }
      svg.line(x, y - 4, x + 24, y - 4, colour, "stroke-width=\"3\"");
      svg.text(x + 30, y, "start", "", name);
      x += w;
    }
    boolean validation =
        runs.values().stream()
            .anyMatch(h -> h.series().keySet().stream().anyMatch(k -> k.startsWith("val_")));
    if (validation) {
      y += 20;
      svg.line(LEFT, y - 4, LEFT + 24, y - 4, "#333", "stroke-width=\"2\"");
      svg.text(LEFT + 30, y, "start", "", "training");
      svg.line(
          LEFT + 120,
          y - 4,
          LEFT + 144,
          y - 4,
          "#333",
          "stroke-width=\"2\" stroke-dasharray=\"6 4\"");
      svg.text(LEFT + 150, y, "start", "", "validation");
    }
    return y - top + 12;
  }

  /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
  static double niceStep(double raw) {
    double p = Math.pow(10, Math.floor(Math.log10(raw)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * p >= raw) {
        return m * p;
      }
    }
    return 10 * p;
  }

  /** A plotting area: frame, grid, tick labels and the mapping from data to pixels. */
  private record Axes(double left, double top, double width, double height) {
    double x(double v, double lo, double hi) {
      return left + (v - lo) / (hi - lo) * width;
    }

    double y(double v, double lo, double hi) {
      return top + height - (v - lo) / (hi - lo) * height;
    }

    void draw(Svg svg, String title, double xLo, double xHi, double lo, double hi, double step) {
      svg.text(
          left + width / 2, top - 14, "middle", "font-size=\"14\" font-weight=\"bold\"", title);
      for (double v = lo; v <= hi + step / 2; v += step) {
        double py = y(v, lo, hi);
        svg.line(left, py, left + width, py, "#e5e7eb", "");
        svg.text(left - 6, py + 4, "end", "fill=\"#475569\"", label(v, step));
      }
      int every = Math.max(1, (int) Math.ceil((xHi - xLo) / 10));
      for (int e = (int) Math.ceil(xLo); e <= xHi; e += every) {
        double px = x(e, xLo, xHi);
        svg.line(px, top + height, px, top + height + 4, "#333", "");
        svg.text(px, top + height + 17, "middle", "fill=\"#475569\"", Integer.toString(e));
      }
      svg.text(left + width / 2, top + height + 34, "middle", "", "epoch");
      svg.rect(left, top, width, height, "none", "#333", "");
    }

    private static String label(double v, double step) {
      int decimals = Math.max(0, (int) Math.ceil(-Math.log10(step) - 1e-9));
      return String.format(Locale.ROOT, "%." + decimals + "f", v);
    }
  }
}
