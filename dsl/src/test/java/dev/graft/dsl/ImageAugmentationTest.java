package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * RandomFlip, RandomRotation, RandomZoom and RandomTranslation: identity in inference, seeded
 * random transforms in training.
 */
class ImageAugmentationTest {
  private final Tensor x = Tensor.uniform(new Rng(9), 0f, 1f, 4, 6, 5, 2);

  private static List<Supplier<Layer>> layers() {
    return List.of(
        Graft::randomFlip,
        () -> randomRotation(0.2),
        () -> randomZoom(0.3, 0.2),
        () -> randomZoom(0.3).fillMode("constant"),
        () -> randomTranslation(0.3, 0.3));
  }

  /** The layer's output in training mode, with the plan's generator seeded by {@code seed}. */
  private static Tensor train(Layer layer, Tensor images, long seed) {
    seed(seed);
    return new LayerHarness(layer, List.of(images), new boolean[] {true}, null, true).output();
  }

  @Test
  void inferenceIsTheIdentity() {
    for (Supplier<Layer> make : layers()) {
      var in = input(6, 5, 2);
      Layer layer = make.get();
      Tensor y = model(in, layer.on(in)).predict(List.of(x)).get(0);
      assertArrayEquals(x.toArray(), y.toArray(), 0f, layer.className());
    }
  }

  @Test
  void trainingChangesImagesAndTheSeedFixesHow() {
    for (Supplier<Layer> make : layers()) {
      Layer layer = make.get();
      Tensor a = train(layer, x, 3);
      assertFalse(Arrays.equals(x.toArray(), a.toArray()), layer.className() + " changed nothing");
      assertArrayEquals(a.toArray(), train(layer, x, 3).toArray(), 0f, "same seed, same result");
      assertFalse(Arrays.equals(a.toArray(), train(layer, x, 4).toArray()), "another seed");
    }
  }

  @Test
  void aFlipTwiceIsTheIdentity() {
    for (String mode : List.of("horizontal", "vertical", "horizontal_and_vertical")) {
      Layer flip = randomFlip(mode);
      // The same seed flips the same images the same way, so the second pass undoes the first.
      Tensor once = train(flip, x, 11);
      assertArrayEquals(x.toArray(), train(flip, once, 11).toArray(), 0f, mode);
    }
    Tensor once = train(randomFlip("horizontal"), x, 11);
    // Each image is either unchanged or mirrored left-right, exactly.
    int mirrored = 0;
    for (int n = 0; n < 4; n++) {
      boolean same = true;
      boolean mirror = true;
      for (int i = 0; i < 6; i++) {
        for (int j = 0; j < 5; j++) {
          for (int c = 0; c < 2; c++) {
            float y = once.getFlat(((n * 6 + i) * 5 + j) * 2 + c);
            same &= y == x.getFlat(((n * 6 + i) * 5 + j) * 2 + c);
            mirror &= y == x.getFlat(((n * 6 + i) * 5 + 4 - j) * 2 + c);
          }
        }
      }
      assertTrue(same || mirror, "image " + n);
      mirrored += mirror ? 1 : 0;
    }
    assertTrue(mirrored > 0 && mirrored < 4, "some images flipped, some not: " + mirrored);
  }

  @Test
  void aQuarterTurnMatchesAHandComputedExample() {
    // factor (0.25, 0.25) of a full turn: exactly π/2, counter-clockwise as Keras.
    Tensor grid = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 3, 3, 1);
    Tensor y = train(new dev.graft.layers.RandomRotation(0.25, 0.25), grid, 1);
    assertArrayEquals(new float[] {3, 6, 9, 2, 5, 8, 1, 4, 7}, y.toArray(), 1e-5f);
  }

  @Test
  void argumentsAndShapesAreChecked() {
    Exception e = assertThrows(IllegalArgumentException.class, () -> randomFlip("diagonal"));
    assertEquals(
        "Invalid value for argument mode of RandomFlip. Received: mode=diagonal", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> randomRotation(-0.1));
    assertThrows(IllegalArgumentException.class, () -> randomZoom(0.2).fillMode("wrap"));
    var flat = input(6);
    e = assertThrows(IllegalArgumentException.class, () -> randomZoom(0.2).on(flat));
    assertTrue(e.getMessage().contains("(None, 6)"), e.getMessage());
    assertEquals("reflect", randomRotation(0.1).config().get("fill_mode"));
    assertEquals(List.of(-0.1, 0.1), normalize(randomRotation(0.1).config().get("factor")));
  }

  private static List<Double> normalize(Object o) {
    return ((List<?>) o)
        .stream().map(v -> Math.round(((Number) v).doubleValue() * 1e6) / 1e6).toList();
  }
}
