package dev.graft.autograd;

import static dev.graft.autograd.OpGradientTest.c;
import static dev.graft.autograd.OpGradientTest.r;

import dev.graft.autograd.ops.BatchMatMul;
import dev.graft.autograd.ops.MaskFill;
import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradient cases of the attention ops: batched products in every transpose, rank 3 and 4, and the
 * masked fill.
 */
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
    // Multi-head attention's products on (batch, T, heads, d) projections, with the scale as alpha.
    cs.add(
        c(
            "batch_matmul_heads_scores",
            n -> BatchMatMul.of(n.get(0), false, true, n.get(1), true, true, false, 0.5f),
            r(510, 2, 3, 2, 4),
            r(511, 2, 5, 2, 4)));
    cs.add(
        c(
            "batch_matmul_heads_out",
            n -> BatchMatMul.of(n.get(0), false, false, n.get(1), false, true, true, 1f),
            r(512, 2, 2, 3, 5),
            r(513, 2, 5, 2, 4)));
    cs.add(
        c(
            "batch_matmul_heads_aT_alpha",
            n -> BatchMatMul.of(n.get(0), true, true, n.get(1), false, false, true, -1.5f),
            r(514, 2, 3, 2, 4),
            r(515, 2, 2, 3, 5)));
    // A 0/1 mask (batch, 1, T, S) broadcast over heads; the mask itself gets no gradient.
    Tensor mask = Tensor.of(new float[] {1, 0, 1, 1, 1, 1, 0, 0, 1, 0, 1, 1}, 2, 1, 2, 3);
    cs.add(
        new OpGradientTest.Case(
            "mask_fill",
            n -> MaskFill.of(n.get(0), n.get(1), -5f),
            List.of(r(508, 2, 2, 2, 3), mask),
            new int[] {0}));
    return cs;
  }
}
