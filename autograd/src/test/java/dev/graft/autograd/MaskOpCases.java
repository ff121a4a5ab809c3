package dev.graft.autograd;

import static dev.graft.autograd.OpGradientTest.r;

import dev.graft.autograd.ops.DropoutMask;
import dev.graft.autograd.ops.GruSequence;
import dev.graft.autograd.ops.InferenceOnly;
import dev.graft.autograd.ops.LstmSequence;
import dev.graft.autograd.ops.Mask;
import dev.graft.autograd.ops.Mul;
import dev.graft.autograd.ops.Reshape;
import dev.graft.autograd.ops.Tanh;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.recurrent.GateActivation;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradient cases of the recurrent ops under Keras's step mask, made by {@link Mask} from an index
 * input (not differentiated: the mask is piecewise constant). Row 0 has padding at the end and in
 * the middle, row 1 leading padding, so the checks cover carried states, carried outputs and the
 * zero output before the first kept step, in both directions.
 */
final class MaskOpCases {
  private MaskOpCases() {}

  /** Indices {@code (2, 5)}: 0 marks padding. */
  private static Tensor indices() {
    return Tensor.of(new float[] {3, 0, 2, 0, 0, 0, 0, 1, 4, 2}, 2, 5);
  }

  static List<OpGradientTest.Case> cases() {
    List<OpGradientTest.Case> cs = new ArrayList<>();
    int[] weightsAndInput = {1, 2, 3, 4};
    for (boolean seq : new boolean[] {false, true}) {
      for (boolean back : new boolean[] {false, true}) {
        for (boolean state : new boolean[] {false, true}) {
          String tag = (seq ? "_seq" : "_last") + (back ? "_back" : "") + (state ? "_state" : "");
          cs.add(
              new OpGradientTest.Case(
                  "lstm_masked" + tag,
                  n ->
                      LstmSequence.of(
                          n.get(1),
                          n.get(2),
                          n.get(3),
                          n.get(4),
                          Mask.notEqual(n.get(0), 0f),
                          seq,
                          back,
                          state,
                          GateActivation.SIGMOID),
                  List.of(indices(), r(400, 2, 5, 4), r(401, 4, 12), r(402, 3, 12), r(403, 12)),
                  weightsAndInput));
          for (boolean resetAfter : new boolean[] {false, true}) {
            cs.add(
                new OpGradientTest.Case(
                    "gru_masked" + tag + (resetAfter ? "_reset_after" : ""),
                    n ->
                        GruSequence.of(
                            n.get(1),
                            n.get(2),
                            n.get(3),
                            n.get(4),
                            Mask.notEqual(n.get(0), 0f),
                            seq,
                            back,
                            resetAfter,
                            state,
                            GateActivation.SIGMOID),
                    List.of(
                        indices(),
                        r(404, 2, 5, 4),
                        r(405, 4, 9),
                        r(406, 3, 9),
                        resetAfter ? r(407, 2, 9) : r(408, 9)),
                    weightsAndInput));
          }
        }
      }
    }
    // Masking's mask: steps whose features are all 0 (rows 0/1 of steps 1 and 2) are skipped.
    Tensor x = r(409, 2, 3, 4);
    for (int j = 0; j < 4; j++) {
      x.setFlat((0 * 3 + 1) * 4 + j, 0f);
      x.setFlat((1 * 3 + 2) * 4 + j, 0f);
    }
    cs.add(
        new OpGradientTest.Case(
            "lstm_masked_any_not_equal",
            n ->
                LstmSequence.of(
                    n.get(0),
                    n.get(1),
                    n.get(2),
                    n.get(3),
                    Mask.anyNotEqual(n.get(4), 0f),
                    true,
                    false,
                    false,
                    GateActivation.SIGMOID),
            List.of(x, r(410, 4, 12), r(411, 3, 12), r(412, 12), x.copy()),
            new int[] {0, 1, 2, 3}));
    // Keras 3's hard_sigmoid gates (slope 1/6 inside (-3, 3)), inputs scaled to saturate some.
    cs.add(
        new OpGradientTest.Case(
            "lstm_hard_sigmoid_keras3",
            n ->
                LstmSequence.of(
                    n.get(1),
                    n.get(2),
                    n.get(3),
                    n.get(4),
                    Mask.notEqual(n.get(0), 0f),
                    true,
                    false,
                    true,
                    GateActivation.HARD_SIGMOID),
            List.of(indices(), scaled(422, 8f, 2, 5, 4), r(423, 4, 12), r(424, 3, 12), r(425, 12)),
            weightsAndInput));
    // hard_sigmoid gates (Keras 2 / tfjs), with and without a mask; inputs scaled so that some
    // gates saturate (slope 0) and others do not (slope 0.2).
    for (boolean masked : new boolean[] {false, true}) {
      String tag = masked ? "_masked" : "";
      cs.add(
          new OpGradientTest.Case(
              "lstm_hard_sigmoid" + tag,
              n ->
                  LstmSequence.of(
                      n.get(1),
                      n.get(2),
                      n.get(3),
                      n.get(4),
                      masked ? Mask.notEqual(n.get(0), 0f) : null,
                      true,
                      false,
                      true,
                      GateActivation.HARD_SIGMOID_KERAS2),
              List.of(
                  indices(), scaled(413, 3f, 2, 5, 4), r(414, 4, 12), r(415, 3, 12), r(416, 12)),
              weightsAndInput));
      for (boolean resetAfter : new boolean[] {false, true}) {
        cs.add(
            new OpGradientTest.Case(
                "gru_hard_sigmoid" + tag + (resetAfter ? "_reset_after" : ""),
                n ->
                    GruSequence.of(
                        n.get(1),
                        n.get(2),
                        n.get(3),
                        n.get(4),
                        masked ? Mask.notEqual(n.get(0), 0f) : null,
                        true,
                        true,
                        resetAfter,
                        false,
                        GateActivation.HARD_SIGMOID_KERAS2),
                List.of(
                    indices(),
                    scaled(417, 3f, 2, 5, 4),
                    r(418, 4, 9),
                    r(419, 3, 9),
                    resetAfter ? r(420, 2, 9) : r(421, 9)),
                weightsAndInput));
      }
    }
    // Dropout masks and the training guard are the identity in inference (how GradCheck runs).
    cs.add(
        OpGradientTest.c(
            "dropout_mask_inference",
            n ->
                Mul.of(
                    n.get(0),
                    Reshape.of(DropoutMask.of(n.get(0), 4, 0.5f), Shape.of(Shape.UNKNOWN, 1, 4))),
            r(422, 2, 3, 4)));
    cs.add(
        OpGradientTest.c(
            "inference_only", n -> InferenceOnly.of(Tanh.of(n.get(0)), "test"), r(423, 3, 4)));
    return cs;
  }

  /** Uniform in {@code ±scale}. */
  private static Tensor scaled(long seed, float scale, int... dims) {
    Tensor t = r(seed, dims);
    for (int i = 0; i < t.size(); i++) {
      t.setFlat(i, t.getFlat(i) * scale);
    }
    return t;
  }
}
