package dev.graft.autograd;

import static dev.graft.autograd.OpGradientTest.c;

import dev.graft.autograd.ops.Noise;
import dev.graft.autograd.ops.ReluVariant;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradient cases of Keras's relu variants (slope, threshold and clip away from the kinks) and of
 * the noise ops, which are the identity in the inference runs of the check (their training
 * gradients are checked against the drawn masks in the layer tests).
 */
final class ActivationOpCases {
  private ActivationOpCases() {}

  static List<OpGradientTest.Case> cases() {
    List<OpGradientTest.Case> cs = new ArrayList<>();
    Tensor x = Tensor.uniform(new Rng(500), -3f, 8f, 4, 5);
    cs.add(
        c(
            "relu_variant_leaky",
            n -> ReluVariant.of(n.get(0), 0.3f, 0f, Float.POSITIVE_INFINITY),
            x));
    cs.add(c("relu_variant_all", n -> ReluVariant.of(n.get(0), 0.2f, 0.5f, 6f), x));
    cs.add(
        c(
            "relu_variant_threshold",
            n -> ReluVariant.of(n.get(0), 0f, 1f, Float.POSITIVE_INFINITY),
            x));
    for (Noise.Kind k : Noise.Kind.values()) {
      cs.add(
          c(
              "noise_" + k.name().toLowerCase(java.util.Locale.ROOT) + "_inference",
              n -> Noise.of(n.get(0), k, 0.3f, false),
              OpGradientTest.r(501, 2, 3, 4)));
    }
    cs.add(
        c(
            "noise_spatial_dropout_inference",
            n -> Noise.of(n.get(0), Noise.Kind.DROPOUT, 0.5f, true),
            OpGradientTest.r(502, 2, 3, 4)));
    return cs;
  }
}
