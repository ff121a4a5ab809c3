package dev.graft.autograd;

import static dev.graft.autograd.OpGradientTest.c;
import static dev.graft.autograd.OpGradientTest.r;

import dev.graft.autograd.ops.Conv2DTranspose;
import dev.graft.autograd.ops.DepthwiseConv2D;
import dev.graft.tensor.conv.ConvGeometry.Padding;
import java.util.ArrayList;
import java.util.List;

/**
 * Gradient cases of the depthwise and transposed convolutions: both kernel paths of the depthwise
 * one (whole rows at horizontal stride 1 and multiplier 1, per pixel otherwise), with and without
 * bias; the transposed one over both paddings, a stride larger than the kernel, dilation and output
 * padding.
 */
final class ConvOpCases {
  private ConvOpCases() {}

  static List<OpGradientTest.Case> cases() {
    List<OpGradientTest.Case> cs = new ArrayList<>();
    for (Padding pad : Padding.values()) {
      cs.add(
          c(
              "depthwise_conv2d_rows_" + pad,
              n ->
                  DepthwiseConv2D.of(
                      n.get(0), n.get(1), n.get(2), new int[] {2, 1}, new int[] {1, 1}, pad),
              r(500, 2, 5, 4, 3),
              r(501, 3, 2, 3, 1),
              r(502, 3)));
      cs.add(
          c(
              "depthwise_conv2d_multiplier_" + pad,
              n ->
                  DepthwiseConv2D.of(
                      n.get(0), n.get(1), n.get(2), new int[] {2, 2}, new int[] {1, 1}, pad),
              r(503, 2, 5, 5, 2),
              r(504, 3, 3, 2, 2),
              r(505, 4)));
      cs.add(
          c(
              "conv2d_transpose_" + pad,
              n ->
                  Conv2DTranspose.of(
                      n.get(0), n.get(1), n.get(2), new int[] {2, 2}, new int[] {1, 1}, pad, null),
              r(510, 2, 3, 2, 2),
              r(511, 3, 3, 3, 2),
              r(512, 3)));
    }
    cs.add(
        c(
            "depthwise_conv2d_dilated_no_bias",
            n ->
                DepthwiseConv2D.of(
                    n.get(0), n.get(1), null, new int[] {1, 1}, new int[] {2, 1}, Padding.SAME),
            r(506, 1, 6, 5, 2),
            r(507, 2, 3, 2, 1)));
    cs.add(
        c(
            "conv2d_transpose_stride_over_kernel",
            n ->
                Conv2DTranspose.of(
                    n.get(0),
                    n.get(1),
                    null,
                    new int[] {3, 2},
                    new int[] {1, 1},
                    Padding.VALID,
                    null),
            r(513, 1, 2, 3, 2),
            r(514, 2, 2, 2, 2)));
    cs.add(
        c(
            "conv2d_transpose_dilated_output_padding",
            n ->
                Conv2DTranspose.of(
                    n.get(0),
                    n.get(1),
                    n.get(2),
                    new int[] {2, 2},
                    new int[] {1, 2},
                    Padding.SAME,
                    new int[] {1, 0}),
            r(515, 1, 3, 3, 2),
            r(516, 3, 2, 2, 2),
            r(517, 2)));
    return cs;
  }
}
