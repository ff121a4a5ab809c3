package dev.graft.autograd;

import static dev.graft.autograd.OpGradientTest.c;
import static dev.graft.autograd.OpGradientTest.pos;
import static dev.graft.autograd.OpGradientTest.r;

import dev.graft.autograd.ops.BatchNorm;
import dev.graft.autograd.ops.Extremum;
import dev.graft.autograd.ops.Transpose;
import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/** Gradient cases of the ops behind Permute, Maximum/Minimum and BatchNormalization. */
final class LayerOpCases {
  private LayerOpCases() {}

  static List<OpGradientTest.Case> cases() {
    List<OpGradientTest.Case> cs = new ArrayList<>();
    cs.add(c("transpose_021", n -> Transpose.of(n.get(0), 0, 2, 1), r(200, 2, 3, 4)));
    cs.add(c("transpose_rank4", n -> Transpose.of(n.get(0), 2, 0, 3, 1), r(201, 2, 3, 2, 3)));
    // Values spread apart so a finite-difference step never flips a comparison.
    Tensor a = Tensor.of(new float[] {0.1f, 0.9f, -0.5f, 0.3f, -0.8f, 0.6f}, 2, 3);
    Tensor b = Tensor.of(new float[] {0.4f, 0.2f, -0.1f, -0.3f, 0.5f, 0.0f}, 2, 3);
    cs.add(c("maximum", n -> Extremum.maximum(n.get(0), n.get(1)), a, b));
    cs.add(c("minimum", n -> Extremum.minimum(n.get(0), n.get(1)), a, b));
    for (TrainingMode mode : TrainingMode.values()) {
      // The checks run the plan in inference: FOLLOW_PLAN and INFERENCE normalise with the moving
      // statistics (whose gradients Keras's tape also gives), TRAINING with the batch's (moving
      // statistics' gradients zero).
      cs.add(
          new OpGradientTest.Case(
              "batch_norm_" + mode.name().toLowerCase(java.util.Locale.ROOT),
              n ->
                  n.get(0)
                      .graph()
                      .inMode(
                          mode,
                          () -> {
                            Node y =
                                BatchNorm.of(
                                    n.get(0),
                                    n.get(1),
                                    n.get(2),
                                    n.get(3),
                                    n.get(4),
                                    1e-3f,
                                    () -> true);
                            // Emitted so the registry sees the update op; it runs only in
                            // training plans.
                            BatchNorm.updateMoving(y, 0.99f);
                            return y;
                          }),
              List.of(r(202, 3, 2, 4), r(203, 4), r(204, 4), r(205, 4), pos(206, 4)),
              new int[] {0, 1, 2, 3, 4}));
    }
    // A frozen layer's batch norm uses the moving statistics even in a training mode.
    cs.add(
        new OpGradientTest.Case(
            "batch_norm_frozen_training",
            n ->
                n.get(0)
                    .graph()
                    .inMode(
                        TrainingMode.TRAINING,
                        () ->
                            BatchNorm.of(
                                n.get(0),
                                n.get(1),
                                n.get(2),
                                n.get(3),
                                n.get(4),
                                1e-3f,
                                () -> false)),
            List.of(r(207, 2, 3), r(208, 3), r(209, 3), r(210, 3), pos(211, 3)),
            new int[] {0, 1, 2, 3, 4}));
    // Masked batch statistics (Keras's masked moments): rows 1 and 4 of six are padding.
    Tensor mask = Tensor.of(new float[] {1, 0, 1, 1, 0, 1}, 3, 2);
    cs.add(
        new OpGradientTest.Case(
            "batch_norm_masked_training",
            n ->
                n.get(0)
                    .graph()
                    .inMode(
                        TrainingMode.TRAINING,
                        () ->
                            BatchNorm.of(
                                n.get(0),
                                n.get(1),
                                n.get(2),
                                n.get(3),
                                n.get(4),
                                n.get(5),
                                1e-3f,
                                () -> true)),
            List.of(r(212, 3, 2, 4), r(213, 4), r(214, 4), r(215, 4), pos(216, 4), mask),
            new int[] {0, 1, 2}));
    return cs;
  }
}
