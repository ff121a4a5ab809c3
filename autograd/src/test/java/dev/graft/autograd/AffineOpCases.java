package dev.graft.autograd;

import static dev.graft.autograd.OpGradientTest.c;
import static dev.graft.autograd.OpGradientTest.r;

import dev.graft.autograd.ops.AffineSample;
import dev.graft.autograd.ops.RandomAffine;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.layout.Affine2d;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradient cases of the image augmentation ops: the sampling through fixed, off-grid matrices (both
 * fill modes), and the random transforms, which are the identity in the inference runs of the
 * check.
 */
final class AffineOpCases {
  private AffineOpCases() {}

  static List<OpGradientTest.Case> cases() {
    List<OpGradientTest.Case> cs = new ArrayList<>();
    Tensor m =
        Tensor.of(
            new float[] {0.9f, -0.3f, 0.7f, 0.2f, 1.1f, -0.6f, 1.3f, 0f, -1.2f, 0f, 0.8f, 2.1f},
            2,
            6);
    for (Affine2d.Fill fill : Affine2d.Fill.values()) {
      cs.add(
          new OpGradientTest.Case(
              "affine_sample_" + fill.name().toLowerCase(java.util.Locale.ROOT),
              n -> AffineSample.of(n.get(0), n.get(1), fill, 0.5f),
              List.of(r(400, 2, 4, 3, 2), m),
              new int[] {0}));
    }
    cs.add(
        c(
            "random_affine",
            n ->
                AffineSample.of(
                    n.get(0),
                    RandomAffine.of(
                        n.get(0),
                        "shift",
                        (rng, h, w, out, o) -> {
                          Affine2d.identity(out, o);
                          out[o + 2] = 1f;
                        }),
                    Affine2d.Fill.REFLECT,
                    0f),
            r(401, 2, 3, 3, 1)));
    return cs;
  }
}
