package dev.graft.dsl.io;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.Model;
import dev.graft.dsl.SymbolicTensor;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Save and load of the layers added after the loader: normalisation, 1-D, RNN states, augmentation.
 */
class NewLayersRoundTripTest {
  @Test
  void imageModelWithAugmentationAndNormalisationRoundTrips(@TempDir Path dir) {
    var img = input(12, 12, 3);
    var x = randomFlip("horizontal").on(img);
    x = randomRotation(0.1).on(x);
    x = randomZoom(0.2).on(x);
    x = randomTranslation(0.1, 0.2).on(x);
    x = rescaling(1.0 / 2).on(x);
    x = batchNormalization().on(conv2d(4, 3).on(x));
    x = layerNormalization().on(flatten().on(x));
    Model m = model(img, dense(2).activation("softmax").on(x));
    m.compile(adam(), "sparse_categorical_crossentropy", "accuracy");
    Rng rng = new Rng(1);
    Tensor data = Tensor.rand(rng, 8, 12, 12, 3);
    m.fit(data, Tensor.randint(rng, 0, 2, 8, 1), epochs(1).verbose(0));
    Path file = dir.resolve("img.keras");
    m.save(file);
    Model back = Model.load(file);
    assertTrue(back.predict(data).allClose(m.predict(data), 1e-6, 1e-6));
    assertEquals(m.countParams(), back.countParams());
  }

  @Test
  void normalisationWithoutGammaOrBetaRoundTripsWithKerasWeightNames(@TempDir Path dir) {
    var in = input(3, 4);
    var x = batchNormalization().center(false).name("bn_no_beta").on(in);
    x = batchNormalization().scale(false).name("bn_no_gamma").on(x);
    x = layerNormalization().scale(false).name("ln_no_gamma").on(x);
    Model m = model(in, dense(1).on(flatten().on(x)));
    m.compile(adam(), "mse");
    Rng rng = new Rng(4);
    Tensor data = Tensor.uniform(rng, -1f, 1f, 8, 3, 4);
    m.fit(data, Tensor.rand(rng, 8, 1), epochs(2).batchSize(4).verbose(0));
    List<String> names =
        List.of(
            "bn_no_beta/gamma",
            "bn_no_beta/moving_mean",
            "bn_no_beta/moving_variance",
            "bn_no_gamma/beta",
            "bn_no_gamma/moving_mean",
            "bn_no_gamma/moving_variance",
            "ln_no_gamma/beta");
    assertEquals(names, m.weights().subList(0, 7).stream().map(v -> v.name()).toList());
    Path file = dir.resolve("norm.keras");
    m.save(file);
    Model back = Model.load(file);
    assertEquals(names, back.weights().subList(0, 7).stream().map(v -> v.name()).toList());
    assertEquals(false, back.getLayer("bn_no_beta").config().get("center"));
    assertEquals(false, back.getLayer("bn_no_gamma").config().get("scale"));
    assertTrue(back.predict(data).allClose(m.predict(data), 1e-6, 1e-6));
  }

  @Test
  void sequenceModelWithStatesAndOneDimensionalLayersRoundTrips(@TempDir Path dir) {
    var seq = input(10, 4);
    var c = maxPooling1d().on(conv1d(6, 3).padding("same").on(seq));
    List<SymbolicTensor> outs = lstm(5).returnSequences(true).returnState(true).onAll(List.of(c));
    var r = simpleRnn(3).on(outs.get(0));
    var pooled = globalAveragePooling1d().on(outs.get(0));
    var merged = concatenate(r, pooled, outs.get(1), outs.get(2));
    Model m = model(seq, dense(1).activation("sigmoid").on(merged));
    m.compile(adam(), "binary_crossentropy");
    Tensor x = Tensor.rand(new Rng(2), 6, 10, 4);
    Path file = dir.resolve("seq.keras");
    m.save(file);
    Model back = Model.load(file);
    assertTrue(back.predict(x).allClose(m.predict(x), 1e-6, 1e-6));
  }

  @Test
  void bidirectionalRoundTrips(@TempDir Path dir) {
    var in = input(5, 3);
    Model m = model(in, dense(1).on(bidirectional(lstm(4).returnSequences(true), "sum").on(in)));
    m.compile(adam(), "mse");
    Path file = dir.resolve("bd.keras");
    m.save(file);
    Model back = Model.load(file);
    Tensor x = Tensor.rand(new Rng(3), 2, 5, 3);
    assertTrue(back.predict(x).allClose(m.predict(x), 1e-6, 1e-6));
  }
}
