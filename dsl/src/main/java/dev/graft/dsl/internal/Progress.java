package dev.graft.dsl.internal;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Keras-style training output: on a terminal a live bar per epoch ({@code 4/4 ━━━━━━━━ 1s 12ms/step
 * - loss: 0.6931}), otherwise one line per epoch; nothing when silent. An epoch of unknown length
 * (a dataset read for the first time) shows the step count without a total, as Keras's {@code
 * 12/Unknown}.
 */
final class Progress {
  private static final int WIDTH = 20;
  private final int verbose;
  private final int epochs;
  private final PrintStream out = System.out;
  private int steps;
  private long start;
  private long lastDraw;
  private int step;

  Progress(int verbose, int epochs) {
    this.verbose = verbose >= 0 ? verbose : System.console() != null ? 1 : 2;
    this.epochs = epochs;
  }

  /** Starts an epoch of {@code steps} steps ({@code -1}: not known yet). */
  void epochBegin(int epoch, int steps) {
    this.steps = steps;
    this.start = System.nanoTime();
    this.lastDraw = 0;
    if (verbose > 0) {
      out.println("Epoch " + (epoch + 1) + "/" + epochs);
    }
  }

  void batchEnd(int done, Map<String, Double> logs) {
    step = done;
    if (verbose != 1) {
      return;
    }
    long now = System.nanoTime();
    if ((steps < 0 || done < steps) && now - lastDraw < 100_000_000L) {
      return;
    }
    lastDraw = now;
    double elapsed = (now - start) / 1e9;
    double perStep = elapsed / done;
    if (steps < 0) {
      out.print(
          "\r"
              + done
              + "/Unknown "
              + seconds(elapsed)
              + " "
              + Math.round(perStep * 1000)
              + "ms/step"
              + format(logs)
              + "   ");
      out.flush();
      return;
    }
    int filled = (int) ((long) WIDTH * done / steps);
    String bar = "━".repeat(filled) + " ".repeat(WIDTH - filled);
    String time =
        done < steps
            ? "ETA " + seconds(perStep * (steps - done))
            : seconds(elapsed) + " " + Math.round(perStep * 1000) + "ms/step";
    out.print("\r" + done + "/" + steps + " " + bar + " " + time + format(logs) + "   ");
    out.flush();
  }

  void epochEnd(Map<String, Double> logs) {
    if (verbose == 0) {
      return;
    }
    if (steps < 0) {
      steps = step;
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    long ms = Math.round(elapsed * 1000 / Math.max(1, step));
    if (verbose == 1) {
      String bar = "━".repeat(WIDTH);
      out.print(
          "\r"
              + steps
              + "/"
              + steps
              + " "
              + bar
              + " "
              + seconds(elapsed)
              + " "
              + ms
              + "ms/step"
              + format(logs)
              + "   ");
      out.println();
    } else {
      out.println(
          steps + "/" + steps + " - " + seconds(elapsed) + " - " + ms + "ms/step" + format(logs));
    }
  }

  private static String seconds(double s) {
    return s < 1 ? "0s" : Math.round(s) + "s";
  }

  private static String format(Map<String, Double> logs) {
    StringBuilder sb = new StringBuilder();
    for (Map.Entry<String, Double> e : logs.entrySet()) {
      sb.append(" - ")
          .append(e.getKey())
          .append(": ")
          .append(String.format(Locale.ROOT, "%.4f", e.getValue()));
    }
    return sb.toString();
  }
}
