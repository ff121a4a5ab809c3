package dev.graft.autograd;

import static dev.graft.autograd.OpGradientTest.c;
import static dev.graft.autograd.OpGradientTest.r;

import dev.graft.autograd.ops.GruSequence;
import dev.graft.autograd.ops.LstmSequence;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradient cases of the recurrent ops with {@code returnState}: the packed output carries the final
 * states, so the finite differences check that gradients flow from {@code h} and {@code c} too.
 */
final class RecurrentStateOpCases {
  private RecurrentStateOpCases() {}

  static List<OpGradientTest.Case> cases() {
    List<OpGradientTest.Case> cs = new ArrayList<>();
    for (boolean seq : new boolean[] {false, true}) {
      for (boolean back : new boolean[] {false, true}) {
        String tag = (seq ? "_seq" : "_last") + (back ? "_back" : "");
        cs.add(
            c(
                "lstm_state" + tag,
                n -> LstmSequence.of(n.get(0), n.get(1), n.get(2), n.get(3), seq, back, true),
                r(300, 2, 3, 4),
                r(301, 4, 12),
                r(302, 3, 12),
                r(303, 12)));
        cs.add(
            c(
                "gru_state" + tag,
                n -> GruSequence.of(n.get(0), n.get(1), n.get(2), n.get(3), seq, back, true, true),
                r(304, 2, 3, 4),
                r(305, 4, 9),
                r(306, 3, 9),
                r(307, 2, 9)));
      }
    }
    return cs;
  }
}
