package dev.graft.autograd;

import static dev.graft.autograd.OpGradientTest.c;
import static dev.graft.autograd.OpGradientTest.r;

import dev.graft.autograd.ops.ZeroPad;
import java.util.ArrayList;
import java.util.List;

/** Gradient cases of the ops behind ZeroPadding1D/2D and causal Conv1D. */
final class ShapeOpCases {
  private ShapeOpCases() {}

  static List<OpGradientTest.Case> cases() {
    List<OpGradientTest.Case> cs = new ArrayList<>();
    cs.add(c("zero_pad_middle", n -> ZeroPad.of(n.get(0), 1, 2, 1), r(300, 2, 3, 2)));
    cs.add(c("zero_pad_last_after", n -> ZeroPad.of(n.get(0), -1, 0, 3), r(301, 2, 2)));
    cs.add(
        c(
            "zero_pad_two_axes",
            n -> ZeroPad.of(ZeroPad.of(n.get(0), 1, 1, 2), 2, 3, 0),
            r(302, 2, 3, 2, 2)));
    return cs;
  }
}
