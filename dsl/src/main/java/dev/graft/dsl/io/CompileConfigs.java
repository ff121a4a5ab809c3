package dev.graft.dsl.io;

import dev.graft.autograd.optim.Adagrad;
import dev.graft.autograd.optim.Adam;
import dev.graft.autograd.optim.AdamW;
import dev.graft.autograd.optim.Optimizer;
import dev.graft.autograd.optim.RmsProp;
import dev.graft.autograd.optim.Sgd;
import dev.graft.dsl.Model;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Re-compiles a loaded model from Keras's {@code compile_config} (Keras 3) or {@code
 * training_config} (legacy HDF5, TensorFlow.js): the optimizer with its hyper-parameters, the
 * loss(es) and the metric names.
 */
final class CompileConfigs {
  private CompileConfigs() {}

  /** Compiles {@code m} as {@code c} describes. */
  static void apply(Model m, Cfg c) {
    Optimizer opt = optimizer(c.cfg(c.has("optimizer") ? "optimizer" : "optimizer_config"));
    List<Object> metrics = new ArrayList<>();
    Object ms = c.get("metrics");
    if (ms instanceof List<?> list) {
      for (Object o : list) {
        if (o instanceof String s) {
          metrics.add(s);
        } else if (o instanceof List<?> inner) {
          inner.stream().filter(String.class::isInstance).forEach(metrics::add);
        }
      }
    }
    Object loss = c.get("loss");
    if (loss instanceof List<?> l) {
      m.compile(opt, l.stream().map(CompileConfigs::lossName).toList(), metrics);
    } else {
      m.compile(opt, lossName(loss), metrics.toArray());
    }
  }

  private static String lossName(Object o) {
    if (o instanceof String s) {
      return s;
    }
    Cfg c = new Cfg(o, "loss");
    String cls = c.str("class_name");
    // Keras class names (BinaryCrossentropy) map to the function names Graft resolves.
    return dev.graft.layers.NameScope.snakeCase(cls);
  }

  /** An optimizer from {@code {class_name, config}} (snake_case or TensorFlow.js camelCase). */
  static Optimizer optimizer(Cfg o) {
    String cls = o.str("class_name").replace("Custom>", "");
    Cfg c = o.has("config") ? o.cfg("config") : new Cfg(java.util.Map.of(), o.where());
    float lr = (float) c.num("learning_rate", c.num("lr", 0.001));
    Optimizer opt =
        switch (cls.toLowerCase(Locale.ROOT)) {
          case "adam" ->
              new Adam(
                  lr,
                  (float) c.num("beta_1", c.num("beta1", 0.9)),
                  (float) c.num("beta_2", c.num("beta2", 0.999)),
                  (float) c.num("epsilon", 1e-7),
                  0f);
          case "adamw" -> new AdamW(lr, (float) c.num("weight_decay", 0.004));
          case "sgd" -> new Sgd(lr, (float) c.num("momentum", 0), c.bool("nesterov", false));
          case "rmsprop" ->
              new RmsProp(
                  lr,
                  (float) c.num("rho", 0.9),
                  (float) c.num("momentum", 0),
                  (float) c.num("epsilon", 1e-7));
          case "adagrad" ->
              new Adagrad(
                  lr,
                  (float) c.num("initial_accumulator_value", 0.1),
                  (float) c.num("epsilon", 1e-7));
          default ->
              throw new IllegalArgumentException(o.where() + ": unknown optimizer \"" + cls + "\"");
        };
    if (c.num("clipnorm", 0) > 0) {
      opt.clipNorm((float) c.num("clipnorm", 0));
    }
    if (c.num("clipvalue", 0) > 0) {
      opt.clipValue((float) c.num("clipvalue", 0));
    }
    return opt;
  }
}
