package dev.graft.layers;

import dev.graft.tensor.Tensor;
import java.util.Map;

/**
 * A layer with state that is not a weight, saved as Keras 3 saves it (its {@code save_assets} and
 * {@code save_own_variables}): files under {@code assets/<layer path>/} of the {@code .keras}
 * archive (a vocabulary) and named variables in the layer's group of the weights file ({@code
 * idf_weights}). Paths are relative to the layer's path ({@code layers/text_vectorization}).
 */
public interface KerasAssets {
  /**
   * The asset files, keyed by path relative to the layer's asset folder.
   *
   * @return each file's relative path to its bytes; empty for none
   */
  Map<String, byte[]> saveAssets();

  /**
   * Restores state from the asset files found under the layer's folder (possibly none).
   *
   * @param files each file's relative path to its bytes
   */
  void loadAssets(Map<String, byte[]> files);

  /**
   * Named variables, keyed by path relative to the layer's weights group ({@code
   * vars/idf_weights}).
   *
   * @return each variable's relative path to its value; empty by default
   */
  default Map<String, Tensor> saveVariables() {
    return Map.of();
  }

  /**
   * Restores the named variables found (keyed as {@link #saveVariables}); called before assets.
   *
   * @param values each variable's relative path to its value
   */
  default void loadVariables(Map<String, Tensor> values) {}
}
