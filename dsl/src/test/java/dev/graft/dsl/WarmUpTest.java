package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.support.JitWarmup;
import dev.graft.tensor.support.VectorSupport;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link Graft#warmUp()}: the kernels' compilation on demand, changing speed only. That it starts
 * every kernel family and completes when all are compiled is checked in {@code JitWarmupTest}.
 */
class WarmUpTest {
  /** A convolution, an LSTM and Dense layers: the three kernel families that warm up. */
  private static Model threeFamilies() {
    var image = input(8, 8, 3);
    var x = flatten().on(maxPooling2d().on(conv2d(16, 3).activation("relu").on(image)));
    var seq = input(6, 4);
    var h = lstm(16).on(seq);
    Model m = model(List.of(image, seq), dense(1).activation("sigmoid").on(concatenate(x, h)));
    m.compile(adam(0.01), "binary_crossentropy");
    return m;
  }

  @Test
  void warmUpCompletesAndPredictionsStayBitIdentical() throws Exception {
    seed(11);
    Model m = threeFamilies();
    Rng data = new Rng(4);
    var x = List.of(Tensor.rand(data, 5, 8, 8, 3), Tensor.rand(data, 5, 6, 4));
    float[] before = m.predict(x).get(0).toArray();
    CompletableFuture<Void> warm = warmUp();
    warm.get(60, TimeUnit.SECONDS);
    assertArrayEquals(before, m.predict(x).get(0).toArray(), "the same floats once compiled");
    if (VectorSupport.WANTED && JitWarmup.ENABLED) {
      Map<String, Boolean> families = JitWarmup.families();
      for (String family :
          List.of(
              "VectorConv",
              "VectorConv.pooling",
              "VectorDepthwise",
              "VectorProducts.product",
              "VectorProducts.dots",
              "VectorRecurrent")) {
        assertEquals(true, families.get(family), family + " compiled: " + families);
      }
    }
    assertTrue(warmUp().isDone(), "a second call finds everything compiled");
  }
}
