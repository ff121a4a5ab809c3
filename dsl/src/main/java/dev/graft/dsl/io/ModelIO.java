package dev.graft.dsl.io;

import dev.graft.dsl.Layer;
import dev.graft.dsl.Model;
import io.jhdf.HdfFile;
import io.jhdf.api.Group;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Saving and loading models: Keras 3's {@code .keras} archive (Graft's native format), weights-only
 * {@code .weights.h5} files, and imports of legacy Keras 2 {@code .h5} models and TensorFlow.js
 * {@code model.json} models. Every failure is one {@link ModelFileException} naming the file and
 * the problem; a failed load leaves the target model unchanged and a failed save leaves the old
 * file in place.
 *
 * <p>Files are written to {@code <target>.graft-tmp-<pid>-<random>} beside the target and renamed
 * over it once complete and synced; leftovers of a killed save are removed by the next save or load
 * of the same target. A replaced file keeps its POSIX permissions. Every weight written carries a
 * CRC-32C attribute ({@code graft_crc32c}, ignored by Keras) that loading checks, so a corrupted
 * file fails naming the weight; Keras's own files, without it, load as before.
 *
 * <pre>{@code
 * model.save(Path.of("classifier.keras"));
 * Model again = Model.load(Path.of("classifier.keras"));
 * }</pre>
 */
public final class ModelIO {
  private ModelIO() {}

  private static final byte[] HDF5_MAGIC = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  private static final byte[] ZIP_MAGIC = {'P', 'K', 3, 4};

  /**
   * Saves architecture, weights, compile config and optimizer state as a {@code .keras} archive.
   *
   * @param m the model, functional or sequential
   * @param file the {@code .keras} file, replaced atomically
   * @throws ModelFileException if the model cannot be described (a subclassed model) or written
   */
  public static void save(Model m, Path file) {
    try {
      KerasArchive.save(m, file);
    } catch (ModelFileException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new ModelFileException(
          file, "cannot save model \"" + m.name() + "\": " + e.getMessage(), e);
    }
  }

  /**
   * Loads a model, detecting the format from the file's first bytes: a {@code .keras} archive, a
   * legacy HDF5 model ({@code model_config} + {@code model_weights}), or a TensorFlow.js {@code
   * model.json} (weights shards beside it).
   *
   * @param file the file
   * @return the model with its weights, and its compile set-up when the file holds one
   * @throws ModelFileException naming the file and what is wrong with it
   */
  public static Model load(Path file) {
    return FileReads.guard(
        file,
        () -> {
          AtomicFiles.removeStale(file);
          byte[] head = head(file);
          if (startsWith(head, ZIP_MAGIC)) {
            return KerasArchive.load(file);
          }
          if (startsWith(head, HDF5_MAGIC)) {
            return LegacyH5.load(file);
          }
          if (head.length > 0 && (head[0] == '{' || Character.isWhitespace(head[0]))) {
            return Tfjs.load(file);
          }
          throw new IllegalArgumentException(
              "unknown format: neither a .keras zip, an HDF5 file nor a TensorFlow.js model.json");
        });
  }

  /**
   * Saves the weights only ({@code .weights.h5}, Keras 3 layout); works for subclassed models.
   *
   * @param m the model
   * @param file the {@code .weights.h5} file, replaced atomically
   */
  public static void saveWeights(Model m, Path file) {
    H5.Tree tree;
    try {
      tree = KerasWeights.tree(m, false);
    } catch (RuntimeException e) {
      throw new ModelFileException(
          file, "cannot save weights of \"" + m.name() + "\": " + e.getMessage(), e);
    }
    AtomicFiles.write(file, tmp -> H5.write(tmp, tree));
  }

  /**
   * Loads weights saved by {@link #saveWeights} (or Keras's {@code save_weights}: Keras 3 {@code
   * .weights.h5}, or a Keras 2 {@code .h5} weights or model file, whose layers are taken in order
   * as Keras 2 does), the weights inside a {@code .keras} archive (as Keras's {@code load_weights}
   * reads them), or a TensorFlow.js {@code model.json}'s weights, into {@code m}, which must have
   * the same architecture; nothing changes unless every weight is present, of the right shape and
   * passes its checksum.
   *
   * @param m the model to load into
   * @param file the weights file
   */
  public static void loadWeights(Model m, Path file) {
    FileReads.guard(
        file,
        () -> {
          AtomicFiles.removeStale(file);
          byte[] head = head(file);
          List<KerasWeights.Assignment> values;
          if (startsWith(head, ZIP_MAGIC)) {
            values =
                hdf5Weights(
                    m, KerasArchive.entries(file, "model.weights.h5").get("model.weights.h5"));
          } else if (startsWith(head, HDF5_MAGIC)) {
            values = hdf5Weights(m, Files.readAllBytes(file));
          } else if (head.length > 0 && (head[0] == '{' || Character.isWhitespace(head[0]))) {
            values = Tfjs.weights(file, m, WeightPaths::savedOrder);
          } else {
            throw new IllegalArgumentException(
                "unknown format: neither a .weights.h5 or .h5 HDF5 file, a .keras zip nor a"
                    + " TensorFlow.js model.json");
          }
          KerasWeights.apply(values);
          return m;
        });
  }

  private static List<KerasWeights.Assignment> hdf5Weights(Model m, byte[] bytes) {
    try (HdfFile h5 = H5.open(bytes)) {
      Group legacy = LegacyH5.weightsGroup(h5);
      return legacy == null
          ? KerasWeights.read(h5, m, WeightPaths::savedOrder)
          : LegacyH5.read(legacy, m, WeightPaths::savedOrder);
    }
  }

  /**
   * Teaches the loaders a layer class (Keras's {@code custom_objects}): {@code factory} builds the
   * layer from its config (snake_case keys as Keras writes them); the loader then sets its name and
   * trainable flag. A class registered twice keeps the latest factory.
   *
   * @param className the Keras {@code class_name}
   * @param factory builds the layer from its config
   */
  @SuppressWarnings("unchecked")
  public static void registerLayer(String className, Function<Map<String, Object>, Layer> factory) {
    KerasLayers.register(
        className,
        c -> factory.apply(java.util.Collections.unmodifiableMap((Map<String, Object>) c.map())));
  }

  /**
   * A layer (or a nested {@code Sequential}/{@code Functional} model) from its Keras serialization
   * {@code {"class_name": ..., "config": {...}}}, as Keras's {@code layers.deserialize} reads it
   * and as {@code model.json} and {@code config.json} store each layer. The layer gets the config's
   * name and trainable flag; a {@code batch_input_shape}/{@code batch_shape} becomes its declared
   * input shape.
   *
   * @param json the serialized layer
   * @return the layer, not yet built
   * @throws IllegalArgumentException naming the class, the layer and the argument Graft cannot
   *     honour, or the unknown class with the list of known ones
   */
  public static Layer layerFromConfig(String json) {
    Object parsed = Json.parse(json);
    return new ConfigReader(false).layerOrModel(new Cfg(parsed, "layer config"));
  }

  private static byte[] head(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return in.readNBytes(8);
    }
  }

  private static boolean startsWith(byte[] head, byte[] magic) {
    return head.length >= magic.length && Arrays.equals(Arrays.copyOf(head, magic.length), magic);
  }
}
