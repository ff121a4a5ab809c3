package dev.graft.layers;

import java.util.LinkedHashMap;
import java.util.Map;

/** Keras's serialised form of initializers and regularizers: {@code {class_name, config}}. */
final class Configs {
  private Configs() {}

  static Map<String, Object> of(Initializer init) {
    return init == null ? null : wrap("keras.initializers", init.className(), init.config());
  }

  static Map<String, Object> of(Regularizer reg) {
    return reg == null ? null : wrap("keras.regularizers", reg.className(), reg.config());
  }

  private static Map<String, Object> wrap(
      String module, String className, Map<String, Object> config) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("module", module);
    m.put("class_name", className);
    m.put("config", config);
    m.put("registered_name", null);
    return m;
  }
}
