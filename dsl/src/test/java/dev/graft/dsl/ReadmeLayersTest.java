package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * The layer snippets of the README (masking) and docs/guide-layers.md (convolutions), as written
 * there: they must compile and give the shapes shown.
 */
class ReadmeLayersTest {
  @Test
  void maskingDropoutAndGates() {
    var ids = input(NONE); // token ids, any length
    var h = lstm(64).on(embedding(10000, 64).maskZero(true).on(ids)); // index 0 = padding
    var frames = masking(0).on(input(NONE, 8)); // all-zero steps are padding
    var both = bidirectional(gru(32)).on(frames);
    var rnn = lstm(64).dropout(0.2).recurrentDropout(0.1).recurrentActivation("hard_sigmoid");
    assertEquals(Shape.of(Shape.UNKNOWN, 64), h.shape());
    assertEquals(Shape.of(Shape.UNKNOWN, 64), both.shape());
    assertEquals("hard_sigmoid", rnn.config().get("recurrent_activation"));
  }

  @Test
  void convolutionsShapesAndAttention() {
    var img = input(NONE, NONE, 3);
    var x = zeroPadding2d(0, 1, 0, 1).on(conv2d(32, 3).strides(2, 2).padding("same").on(img));
    x = depthwiseConv2d(3).strides(2, 2).on(x); // MobileNet's block
    x = relu().maxValue(6).on(batchNormalization().on(x)); // ReLU6
    x = separableConv2d(64, 3).depthMultiplier(1).padding("same").on(x);
    x = conv2dTranspose(32, 3).strides(2, 2).padding("same").on(x); // a decoder's upsampling
    x = upSampling2d(2, 2).interpolation("bilinear").on(x);
    assertEquals(Shape.of(Shape.UNKNOWN, Shape.UNKNOWN, Shape.UNKNOWN, 32), x.shape());
    Model fcn = model(img, x); // fully convolutional: any image size
    assertEquals(
        Shape.of(2, 32, 32, 32), fcn.predict(Tensor.rand(new Rng(1), 2, 32, 32, 3)).shape());
    assertEquals(
        Shape.of(1, 24, 40, 32), fcn.predict(Tensor.rand(new Rng(2), 1, 24, 40, 3)).shape());

    var seq = input(64, 128);
    var y = conv1d(64, 3).padding("causal").dilationRate(2).on(seq); // WaveNet-style
    var att = multiHeadAttention(4, 32).useCausalMask(true).on(seq, seq); // (query, value)
    var scores = dot(2, 2, seq, seq); // batched dot, (None, 64, 64)
    var perStep = timeDistributed(dense(8)).on(seq); // one Dense on every step
    assertEquals(Shape.of(Shape.UNKNOWN, 64, 64), y.shape());
    assertEquals(Shape.of(Shape.UNKNOWN, 64, 128), att.shape());
    assertEquals(Shape.of(Shape.UNKNOWN, 64, 64), scores.shape());
    assertEquals(Shape.of(Shape.UNKNOWN, 64, 8), perStep.shape());
  }
}
