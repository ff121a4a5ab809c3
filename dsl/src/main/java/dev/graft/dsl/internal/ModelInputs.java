package dev.graft.dsl.internal;

import dev.graft.dsl.Layer;
import dev.graft.tensor.Tensor;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Model helpers kept out of the public class: inputs by name and a subclass's layer fields. */
public final class ModelInputs {
  private ModelInputs() {}

  /**
   * The tensors of {@code x} in the order of {@code names}, matched strictly.
   *
   * @param model the model's name, for messages
   * @param names the model's input names, in order
   * @param x the tensors by input name
   * @return the tensors, in input order
   * @throws IllegalArgumentException listing expected, received, missing and unknown names
   */
  public static List<Tensor> byName(String model, List<String> names, Map<String, Tensor> x) {
    Set<String> unknown = new LinkedHashSet<>(x.keySet());
    unknown.removeAll(names);
    Set<String> missing = new LinkedHashSet<>(names);
    missing.removeAll(x.keySet());
    if (!unknown.isEmpty() || !missing.isEmpty()) {
      throw new IllegalArgumentException(
          "Model \""
              + model
              + "\" expects inputs named "
              + names
              + "; received "
              + x.keySet()
              + (missing.isEmpty() ? "" : "; missing " + missing)
              + (unknown.isEmpty() ? "" : "; unknown " + unknown));
    }
    List<Tensor> out = new ArrayList<>();
    for (String n : names) {
      out.add(x.get(n));
    }
    return out;
  }

  /**
   * The layers held in instance fields of {@code model}'s class and its superclasses below {@code
   * base} (how a subclassed model is tracked before it is traced).
   *
   * @param model the subclassed model
   * @param base the first class not searched ({@code Model})
   * @return the layers, in field order, subclass first
   */
  public static List<Layer> layerFields(Object model, Class<?> base) {
    List<Layer> out = new ArrayList<>();
    for (Class<?> k = model.getClass(); k != base && k != null; k = k.getSuperclass()) {
      for (Field f : k.getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) || !Layer.class.isAssignableFrom(f.getType())) {
          continue;
        }
        try {
          f.setAccessible(true);
          if (f.get(model) instanceof Layer l && !out.contains(l)) {
            out.add(l);
          }
        } catch (ReflectiveOperationException | RuntimeException e) {
          // An inaccessible field is not ours to track.
        }
      }
    }
    return out;
  }
}
