package dev.graft.autograd;

import static dev.graft.autograd.OpGradientTest.c;
import static dev.graft.autograd.OpGradientTest.r;

import dev.graft.autograd.ops.BatchMatMul;
import java.util.ArrayList;
import java.util.List;

/** Gradient cases of the attention ops: batched products in every transpose, rank 3 and 4. */
final class AttentionOpCases {
  private AttentionOpCases() {}

  static List<OpGradientTest.Case> cases() {
    List<OpGradientTest.Case> cs = new ArrayList<>();
    cs.add(
        c(
            "batch_matmul",
            n -> BatchMatMul.of(n.get(0), false, n.get(1), false),
            r(500, 2, 3, 4),
            r(501, 2, 4, 5)));
    cs.add(
        c(
            "batch_matmul_bT_rank4",
            n -> BatchMatMul.of(n.get(0), false, n.get(1), true),
            r(502, 2, 2, 3, 4),
            r(503, 2, 2, 5, 4)));
    cs.add(
        c(
            "batch_matmul_aT",
            n -> BatchMatMul.of(n.get(0), true, n.get(1), false),
            r(504, 3, 4, 2),
            r(505, 3, 4, 5)));
    cs.add(
        c(
            "batch_matmul_aT_bT",
            n -> BatchMatMul.of(n.get(0), true, n.get(1), true),
            r(506, 2, 4, 3),
            r(507, 2, 5, 4)));
    return cs;
  }
}
