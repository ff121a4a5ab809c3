package dev.graft.autograd;

import static dev.graft.autograd.OpGradientTest.r;

import dev.graft.autograd.ops.GruSequence;
import dev.graft.autograd.ops.LstmSequence;
import dev.graft.autograd.ops.Mask;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.recurrent.GateActivation;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradient cases of the recurrent ops with Keras's {@code recurrent_dropout}: fixed state masks
 * {@code (2, gates * 3)} (what {@code DropoutMask} draws in training, here an input so that the
 * check runs in inference) of kept ({@code 1 / (1 - 0.5)}) and dropped units, alone and with a step
 * mask that skips steps in the middle and at both ends. The masks are not differentiated.
 */
final class RecurrentDropoutOpCases {
  private RecurrentDropoutOpCases() {}

  /** Indices {@code (2, 5)}: 0 marks padding. */
  private static Tensor indices() {
    return Tensor.of(new float[] {3, 0, 2, 0, 0, 0, 0, 1, 4, 2}, 2, 5);
  }

  /**
   * State dropout masks {@code (2, gates * 3)} at rate 0.5, one block per gate: each row and gate
   * keeps different units.
   */
  private static Tensor dropMask(int gates) {
    float[] keep = {2, 0, 2, 0, 2, 2, 0, 2, 2, 2, 2, 0, 2, 0, 0, 0, 2, 2, 2, 2, 2, 2, 0, 2};
    return Tensor.of(java.util.Arrays.copyOf(keep, 2 * gates * 3), 2, gates * 3);
  }

  static List<OpGradientTest.Case> cases() {
    List<OpGradientTest.Case> cs = new ArrayList<>();
    int[] weightsAndInput = {1, 2, 3, 4};
    for (boolean masked : new boolean[] {false, true}) {
      for (boolean seq : new boolean[] {false, true}) {
        for (boolean back : new boolean[] {false, true}) {
          boolean state = seq != back;
          String tag =
              (masked ? "_masked" : "")
                  + (seq ? "_seq" : "_last")
                  + (back ? "_back" : "")
                  + (state ? "_state" : "");
          cs.add(
              new OpGradientTest.Case(
                  "lstm_recurrent_dropout" + tag,
                  n ->
                      LstmSequence.of(
                          n.get(1),
                          n.get(2),
                          n.get(3),
                          n.get(4),
                          masked ? Mask.notEqual(n.get(0), 0f) : null,
                          n.get(5),
                          seq,
                          back,
                          state,
                          GateActivation.SIGMOID),
                  List.of(
                      indices(),
                      r(430, 2, 5, 4),
                      r(431, 4, 12),
                      r(432, 3, 12),
                      r(433, 12),
                      dropMask(4)),
                  weightsAndInput));
          for (boolean resetAfter : new boolean[] {false, true}) {
            cs.add(
                new OpGradientTest.Case(
                    "gru_recurrent_dropout" + tag + (resetAfter ? "_reset_after" : ""),
                    n ->
                        GruSequence.of(
                            n.get(1),
                            n.get(2),
                            n.get(3),
                            n.get(4),
                            masked ? Mask.notEqual(n.get(0), 0f) : null,
                            n.get(5),
                            seq,
                            back,
                            resetAfter,
                            state,
                            GateActivation.SIGMOID),
                    List.of(
                        indices(),
                        r(434, 2, 5, 4),
                        r(435, 4, 9),
                        r(436, 3, 9),
                        resetAfter ? r(437, 2, 9) : r(438, 9),
                        dropMask(3)),
                    weightsAndInput));
          }
        }
      }
    }
    return cs;
  }
}
