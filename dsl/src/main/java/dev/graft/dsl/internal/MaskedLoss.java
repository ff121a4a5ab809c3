package dev.graft.dsl.internal;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Div;
import dev.graft.autograd.ops.Extremum;
import dev.graft.autograd.ops.Mul;
import dev.graft.autograd.ops.Reduction;
import dev.graft.autograd.ops.StopGradient;
import dev.graft.tensor.Tensor;

/**
 * Keras 3's loss over a masked output ({@code Loss.__call__} with the prediction's {@code
 * _keras_mask}, reduction {@code sum_over_batch_size}): the mean over the kept steps only, {@code
 * sum(loss * mask * sample_weight) / count(mask)}, and 0 when nothing is kept (Keras's {@code
 * divide_no_nan}). Padding then neither dilutes the loss nor receives a gradient.
 */
final class MaskedLoss {
  private MaskedLoss() {}

  /**
   * @param perElement the loss per prediction row, {@code (batch, steps...)} or with more axes
   *     (averaged first, as Keras's losses reduce the last axis)
   * @param mask the output's mask, {@code (batch, steps...)}, 1 where a step is kept
   * @param sampleWeight one weight per sample, {@code (batch)}
   */
  static Node of(Node perElement, Node mask, Node sampleWeight) {
    int maskRank = mask.shape().rank();
    if (perElement.shape().rank() < maskRank) {
      throw new IllegalArgumentException(
          "an output mask of shape "
              + mask.shape()
              + " has more axes than the loss per element "
              + perElement.shape());
    }
    Node kept = StopGradient.of(mask);
    Node perStep = Programs.meanFrom(perElement, maskRank);
    Node perSample = Mul.of(perStep, kept);
    if (maskRank > 1) {
      int[] steps = new int[maskRank - 1];
      for (int a = 0; a < steps.length; a++) {
        steps[a] = a + 1;
      }
      perSample = Reduction.sum(perSample, false, steps);
    }
    Node weighted = Reduction.sum(Mul.of(perSample, sampleWeight), false);
    Node count = Reduction.sum(kept, false);
    Node atLeastOne = Extremum.maximum(count, mask.graph().constant(Tensor.scalar(1f)));
    return Div.of(weighted, atLeastOne);
  }
}
