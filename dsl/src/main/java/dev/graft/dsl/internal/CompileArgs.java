package dev.graft.dsl.internal;

import dev.graft.autograd.optim.Adagrad;
import dev.graft.autograd.optim.Adam;
import dev.graft.autograd.optim.AdamW;
import dev.graft.autograd.optim.Optimizer;
import dev.graft.autograd.optim.RmsProp;
import dev.graft.autograd.optim.Sgd;
import dev.graft.dsl.Loss;
import dev.graft.dsl.Metric;
import dev.graft.dsl.Metrics;
import dev.graft.dsl.Model;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The arguments of {@code compile} resolved: Keras names or objects, one loss and metrics per
 * output.
 */
final class CompileArgs {
  private CompileArgs() {}

  /** One loss per output: a single loss serves every output. */
  static List<Loss> losses(Model model, List<?> losses) {
    if (losses.isEmpty()) {
      throw new IllegalArgumentException("compile: a loss is required");
    }
    List<Loss> ls = new ArrayList<>();
    for (Object o : losses) {
      ls.add(loss(o));
    }
    int outputs = model.hasGraph() ? model.outputs().size() : 1;
    if (ls.size() == 1 && outputs > 1) {
      for (int k = 1; k < outputs; k++) {
        ls.add(ls.get(0));
      }
    }
    if (model.hasGraph() && ls.size() != outputs) {
      throw new IllegalArgumentException(
          "compile: the model has " + outputs + " outputs but " + ls.size() + " losses were given");
    }
    return ls;
  }

  /** One metric list per output: {@code args} for all outputs, or one list per output. */
  static List<List<Metric>> metrics(List<?> metricArgs, List<Loss> losses) {
    boolean perOutput =
        !metricArgs.isEmpty() && metricArgs.stream().allMatch(a -> a instanceof List);
    if (perOutput && metricArgs.size() != losses.size()) {
      throw new IllegalArgumentException(
          "compile: metrics given per output need one list per output ("
              + losses.size()
              + "); got "
              + metricArgs.size());
    }
    List<List<Metric>> ms = new ArrayList<>();
    for (int k = 0; k < losses.size(); k++) {
      List<Metric> m = new ArrayList<>();
      for (Object a : perOutput ? (List<?>) metricArgs.get(k) : metricArgs) {
        m.add(metric(a, losses.get(k)));
      }
      ms.add(m);
    }
    return ms;
  }

  /** An optimizer object, or a new one from its Keras name. */
  static Optimizer optimizer(Object o) {
    if (o instanceof Optimizer opt) {
      return opt;
    }
    if (o instanceof String s) {
      return switch (s.toLowerCase(Locale.ROOT)) {
        case "adam" -> new Adam();
        case "adamw" -> new AdamW();
        case "sgd" -> new Sgd();
        case "rmsprop" -> new RmsProp();
        case "adagrad" -> new Adagrad();
        default ->
            throw new IllegalArgumentException(
                "Unknown optimizer \"" + s + "\"; expected adam, adamw, sgd, rmsprop or adagrad");
      };
    }
    throw new IllegalArgumentException(
        "compile: the optimizer must be an Optimizer or a name; Received: " + o);
  }

  /** A loss object, or one from its Keras name. */
  static Loss loss(Object o) {
    if (o instanceof Loss l) {
      return l;
    }
    if (o instanceof String s) {
      return Loss.of(s);
    }
    throw new IllegalArgumentException("compile: a loss must be a Loss or a name; Received: " + o);
  }

  /** A metric object or name; {@code accuracy} becomes the kind {@code loss} calls for. */
  static Metric metric(Object o, Loss loss) {
    if (o instanceof String s) {
      return Metrics.of(s, loss);
    }
    if (o instanceof Metric m) {
      return m.name().equals("accuracy") && m.getClass().getSimpleName().equals("Deferred")
          ? Metrics.of("accuracy", loss)
          : m;
    }
    throw new IllegalArgumentException(
        "compile: a metric must be a Metric or a name; Received: " + o);
  }
}
