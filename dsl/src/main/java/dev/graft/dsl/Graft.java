package dev.graft.dsl;

import dev.graft.autograd.Node;
import dev.graft.autograd.optim.Adagrad;
import dev.graft.autograd.optim.Adam;
import dev.graft.autograd.optim.AdamW;
import dev.graft.autograd.optim.RmsProp;
import dev.graft.autograd.optim.Sgd;
import dev.graft.dsl.internal.Arguments;
import dev.graft.layers.ActivationLayer;
import dev.graft.layers.ActivityRegularization;
import dev.graft.layers.Add;
import dev.graft.layers.AdditiveAttention;
import dev.graft.layers.AlphaDropout;
import dev.graft.layers.Attention;
import dev.graft.layers.Average;
import dev.graft.layers.BatchNormalization;
import dev.graft.layers.Bidirectional;
import dev.graft.layers.Concatenate;
import dev.graft.layers.Conv1D;
import dev.graft.layers.Conv1DTranspose;
import dev.graft.layers.Conv2D;
import dev.graft.layers.Conv2DTranspose;
import dev.graft.layers.Cropping1D;
import dev.graft.layers.Cropping2D;
import dev.graft.layers.Dense;
import dev.graft.layers.DepthwiseConv2D;
import dev.graft.layers.Dot;
import dev.graft.layers.Dropout;
import dev.graft.layers.EinsumDense;
import dev.graft.layers.Elu;
import dev.graft.layers.Embedding;
import dev.graft.layers.Flatten;
import dev.graft.layers.GaussianDropout;
import dev.graft.layers.GaussianNoise;
import dev.graft.layers.GlobalAveragePooling1D;
import dev.graft.layers.GlobalMaxPooling1D;
import dev.graft.layers.GlobalPooling2D;
import dev.graft.layers.GroupNormalization;
import dev.graft.layers.Gru;
import dev.graft.layers.Identity;
import dev.graft.layers.InputLayer;
import dev.graft.layers.Lambda;
import dev.graft.layers.LayerNormalization;
import dev.graft.layers.LeakyRelu;
import dev.graft.layers.Lstm;
import dev.graft.layers.Masking;
import dev.graft.layers.Maximum;
import dev.graft.layers.Minimum;
import dev.graft.layers.MultiHeadAttention;
import dev.graft.layers.Multiply;
import dev.graft.layers.NameScope;
import dev.graft.layers.PRelu;
import dev.graft.layers.Permute;
import dev.graft.layers.Pooling1D;
import dev.graft.layers.Pooling2D;
import dev.graft.layers.RandomFlip;
import dev.graft.layers.RandomRotation;
import dev.graft.layers.RandomTranslation;
import dev.graft.layers.RandomZoom;
import dev.graft.layers.Recurrent;
import dev.graft.layers.Relu;
import dev.graft.layers.RepeatVector;
import dev.graft.layers.Rescaling;
import dev.graft.layers.Reshape;
import dev.graft.layers.SeparableConv1D;
import dev.graft.layers.SeparableConv2D;
import dev.graft.layers.SimpleRnn;
import dev.graft.layers.Softmax;
import dev.graft.layers.SpatialDropout;
import dev.graft.layers.Subtract;
import dev.graft.layers.ThresholdedRelu;
import dev.graft.layers.TimeDistributed;
import dev.graft.layers.UnitNormalization;
import dev.graft.layers.UpSampling1D;
import dev.graft.layers.UpSampling2D;
import dev.graft.layers.ZeroPadding1D;
import dev.graft.layers.ZeroPadding2D;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.support.JitWarmup;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.UnaryOperator;

/**
 * The Keras vocabulary as static factories: {@code import static dev.graft.dsl.Graft.*;} then write
 * models as in Keras.
 *
 * <pre>{@code
 * jshell> var x = input(28, 28, 1);
 * jshell> var y = dense(10).activation("softmax").on(flatten().on(conv2d(8, 3).on(x)));
 * jshell> Model m = model(x, y);
 * jshell> m.compile(adam(), "sparse_categorical_crossentropy", "accuracy");
 * }</pre>
 */
public final class Graft {
  private Graft() {}

  // ---- session ----

  /**
   * Makes initialisation, shuffling and dropout reproducible from this seed, and the whole run
   * deterministic: from then on the {@code auto} back-end chooses each matrix product's BLAS by its
   * shape instead of by timing, so building and training a model twice gives bit-identical weights
   * and predictions, in one JVM or across JVMs, at a given {@code graft.threads} (about 2–3% slower
   * training steps than timed choices, measured on 2 cores).
   *
   * @param seed any value; equal seeds give equal runs
   */
  public static void seed(long seed) {
    Rng.seed(seed);
  }

  /**
   * Compiles the Vector API kernels now, in the background, rather than while the first calls need
   * them. Until the JIT has compiled them Graft runs plain-Java twins (the same floats, more
   * slowly) while a background thread ({@code graft-jit-warmup}) compiles one kernel family after
   * another, each from its first call on; a service that calls {@code Graft.warmUp().join()} at
   * start-up serves its first requests at full speed instead (figures in the README). On a 2-core
   * machine it keeps both cores busy for about 1.5–2 s. Thread-safe; a second call starts nothing
   * new. Without the Vector API ({@code --add-modules jdk.incubator.vector} missing, or {@code
   * -Dgraft.vector=false}) or with {@code -Dgraft.warmup=false} there is nothing to do.
   *
   * @return a future completed once every kernel family runs its compiled Vector API kernels
   */
  public static CompletableFuture<Void> warmUp() {
    return JitWarmup.startAll();
  }

  /**
   * Resets automatic layer names ({@code dense}, {@code dense_1}, ...), as Keras's {@code
   * clear_session}.
   */
  public static void clearSession() {
    NameScope.clear();
  }

  // ---- inputs and models ----

  /**
   * Keras's {@code None} in an input shape: a dimension of any size, fixed by the data at each
   * call. {@code input(NONE)} is Keras's {@code Input(shape=(None,))} (token sequences of any
   * length), {@code input(NONE, NONE, 3)} an image of any size for a fully-convolutional model.
   * Weights depend only on the known dimensions; the model is compiled for each concrete shape it
   * is fed.
   */
  public static final int NONE = Shape.UNKNOWN;

  /**
   * A model input of shape {@code (None, dims...)}; a dimension may be {@link #NONE}.
   *
   * <pre>{@code
   * jshell> var tokens = input(NONE);
   * jshell> var h = globalAveragePooling1d().on(embedding(1000, 16).on(tokens));
   * jshell> model(tokens, dense(1).on(h)).predict(Tensor.randint(0, 1000, 2, 37)).shape()
   * $4 ==> (2, 1)
   * }</pre>
   *
   * @param dims the sizes after the batch axis
   * @return the input tensor
   */
  public static SymbolicTensor input(int... dims) {
    return new InputLayer(Shape.batched(Arguments.ints("input", "dims", dims)), null).output();
  }

  /**
   * A named model input of shape {@code (None, dims...)}.
   *
   * @param name the input's name, used by {@code predict(Map)} and saved files
   * @param dims the sizes after the batch axis
   * @return the input tensor
   */
  public static SymbolicTensor input(String name, int... dims) {
    Arguments.notNull("input", "name", name);
    return new InputLayer(Shape.batched(Arguments.ints("input", "dims", dims)), name).output();
  }

  /**
   * A functional model from one input to one output.
   *
   * @param input an {@code input(...)} tensor
   * @param output a tensor computed from it
   * @return the model, not yet compiled
   */
  public static Model model(SymbolicTensor input, SymbolicTensor output) {
    return new Model(
        Arguments.one("model", "input", input), Arguments.one("model", "output", output));
  }

  /**
   * A functional model from several inputs to one output.
   *
   * @param inputs the {@code input(...)} tensors, in the order data is given
   * @param output a tensor computed from them
   * @return the model, not yet compiled
   */
  public static Model model(List<SymbolicTensor> inputs, SymbolicTensor output) {
    return new Model(
        Arguments.elements("model", "inputs", inputs), Arguments.one("model", "output", output));
  }

  /**
   * A functional model with several inputs and outputs.
   *
   * @param inputs the {@code input(...)} tensors, in the order data is given
   * @param outputs tensors computed from them, in the order targets are given
   * @return the model, not yet compiled
   */
  public static Model model(List<SymbolicTensor> inputs, List<SymbolicTensor> outputs) {
    return new Model(
        Arguments.elements("model", "inputs", inputs),
        Arguments.elements("model", "outputs", outputs));
  }

  /**
   * A stack of layers; the first needs {@code inputShape(...)}.
   *
   * @param layers the layers, applied in order
   * @return the model, not yet compiled
   */
  public static Sequential sequential(Layer... layers) {
    return new Sequential(Arguments.all("sequential", "layers", layers));
  }

  /**
   * A stack of layers on an {@code input(...)}.
   *
   * @param input an {@code input(...)} tensor
   * @param layers the layers, applied in order
   * @return the model, not yet compiled
   */
  public static Sequential sequential(SymbolicTensor input, Layer... layers) {
    return new Sequential(
        Arguments.notNull("sequential", "input", input),
        Arguments.all("sequential", "layers", layers));
  }

  // ---- layers ----

  /**
   * Keras's {@code Dense(units)}.
   *
   * @param units the size of the output's last axis
   * @return a new layer, configurable with its setters until its first call
   */
  public static Dense dense(int units) {
    return new Dense(units);
  }

  /**
   * Keras's {@code Conv2D(filters, kernel_size)} with square kernels.
   *
   * @param filters the number of output channels
   * @param kernelSize the window's height and width
   * @return a new layer, configurable with its setters until its first call
   */
  public static Conv2D conv2d(int filters, int kernelSize) {
    return new Conv2D(filters, kernelSize);
  }

  /**
   * Keras's {@code Conv2D(filters, (kh, kw))}.
   *
   * @param filters the number of output channels
   * @param kh the window's height
   * @param kw the window's width
   * @return a new layer, configurable with its setters until its first call
   */
  public static Conv2D conv2d(int filters, int kh, int kw) {
    return new Conv2D(filters, kh, kw);
  }

  /**
   * Keras's {@code DepthwiseConv2D(kernel_size)}: each channel convolved on its own ({@code
   * .depthMultiplier(m)} filters per channel), e.g. a MobileNet block's {@code
   * depthwiseConv2d(3).padding("same")}.
   *
   * @param kernelSize the window's height and width
   * @return a new layer, configurable with its setters until its first call
   */
  public static DepthwiseConv2D depthwiseConv2d(int kernelSize) {
    return new DepthwiseConv2D(kernelSize);
  }

  /**
   * Keras's {@code DepthwiseConv2D((kh, kw))}.
   *
   * @param kh the window's height
   * @param kw the window's width
   * @return a new layer, configurable with its setters until its first call
   */
  public static DepthwiseConv2D depthwiseConv2d(int kh, int kw) {
    return new DepthwiseConv2D(kh, kw);
  }

  /**
   * Keras's {@code SeparableConv2D(filters, kernel_size)}: depthwise, then 1x1, then bias.
   *
   * @param filters the number of output channels
   * @param kernelSize the window's height and width
   * @return a new layer, configurable with its setters until its first call
   */
  public static SeparableConv2D separableConv2d(int filters, int kernelSize) {
    return new SeparableConv2D(filters, kernelSize);
  }

  /**
   * Keras's {@code SeparableConv2D(filters, (kh, kw))}.
   *
   * @param filters the number of output channels
   * @param kh the window's height
   * @param kw the window's width
   * @return a new layer, configurable with its setters until its first call
   */
  public static SeparableConv2D separableConv2d(int filters, int kh, int kw) {
    return new SeparableConv2D(filters, kh, kw);
  }

  /**
   * Keras's {@code SeparableConv1D(filters, kernel_size)} on {@code (batch, steps, channels)}.
   *
   * @param filters the number of output channels
   * @param kernelSize the window's length in steps
   * @return a new layer, configurable with its setters until its first call
   */
  public static SeparableConv1D separableConv1d(int filters, int kernelSize) {
    return new SeparableConv1D(filters, kernelSize);
  }

  /**
   * Keras's {@code Conv2DTranspose(filters, kernel_size)}, e.g. a decoder's 2x upsampling {@code
   * conv2dTranspose(32, 3).strides(2).padding("same")}.
   *
   * @param filters the number of output channels
   * @param kernelSize the window's height and width
   * @return a new layer, configurable with its setters until its first call
   */
  public static Conv2DTranspose conv2dTranspose(int filters, int kernelSize) {
    return new Conv2DTranspose(filters, kernelSize);
  }

  /**
   * Keras's {@code Conv2DTranspose(filters, (kh, kw))}.
   *
   * @param filters the number of output channels
   * @param kh the window's height
   * @param kw the window's width
   * @return a new layer, configurable with its setters until its first call
   */
  public static Conv2DTranspose conv2dTranspose(int filters, int kh, int kw) {
    return new Conv2DTranspose(filters, kh, kw);
  }

  /**
   * Keras's {@code Conv1DTranspose(filters, kernel_size)} on {@code (batch, steps, channels)}.
   *
   * @param filters the number of output channels
   * @param kernelSize the window's length in steps
   * @return a new layer, configurable with its setters until its first call
   */
  public static Conv1DTranspose conv1dTranspose(int filters, int kernelSize) {
    return new Conv1DTranspose(filters, kernelSize);
  }

  /**
   * Keras's {@code MaxPooling2D()}: 2x2 windows, strides 2.
   *
   * @return a new layer, configurable with its setters until its first call
   */
  public static Pooling2D maxPooling2d() {
    return new Pooling2D(true, 2, 2);
  }

  /**
   * Keras's {@code MaxPooling2D(pool_size)}.
   *
   * @param pool the window's height and width, also the strides
   * @return a new layer, configurable with its setters until its first call
   */
  public static Pooling2D maxPooling2d(int pool) {
    return new Pooling2D(true, pool, pool);
  }

  /**
   * Keras's {@code AveragePooling2D()}.
   *
   * @return a new layer, configurable with its setters until its first call
   */
  public static Pooling2D averagePooling2d() {
    return new Pooling2D(false, 2, 2);
  }

  /**
   * Keras's {@code AveragePooling2D(pool_size)}.
   *
   * @param pool the window's height and width, also the strides
   * @return a new layer, configurable with its setters until its first call
   */
  public static Pooling2D averagePooling2d(int pool) {
    return new Pooling2D(false, pool, pool);
  }

  /**
   * Keras's {@code GlobalAveragePooling2D()}.
   *
   * @return a new layer, configurable with its setters until its first call
   */
  public static GlobalPooling2D globalAveragePooling2d() {
    return new GlobalPooling2D(false);
  }

  /**
   * Keras's {@code GlobalMaxPooling2D()}.
   *
   * @return a new layer, configurable with its setters until its first call
   */
  public static GlobalPooling2D globalMaxPooling2d() {
    return new GlobalPooling2D(true);
  }

  /**
   * Keras's {@code Flatten()}.
   *
   * @return a new layer, configurable with its setters until its first call
   */
  public static Flatten flatten() {
    return new Flatten();
  }

  /**
   * Keras's {@code Reshape(target_shape)}.
   *
   * @param targetShape the output's shape after the batch; one dimension may be -1
   * @return a new layer, configurable with its setters until its first call
   */
  public static Reshape reshape(int... targetShape) {
    return new Reshape(Arguments.ints("reshape", "targetShape", targetShape));
  }

  /**
   * Keras's {@code RepeatVector(n)}.
   *
   * @param n the number of copies
   * @return a new layer, configurable with its setters until its first call
   */
  public static RepeatVector repeatVector(int n) {
    return new RepeatVector(n);
  }

  /**
   * Keras's {@code Dropout(rate)}.
   *
   * @param rate the fraction of values dropped in training, in {@code [0, 1)}
   * @return a new layer, configurable with its setters until its first call
   */
  public static Dropout dropout(double rate) {
    return new Dropout((float) rate);
  }

  /**
   * Keras's {@code Activation(name)}.
   *
   * @param name a Keras activation name such as {@code relu}
   * @return a new layer, configurable with its setters until its first call
   */
  public static ActivationLayer activation(String name) {
    return new ActivationLayer(Activation.of(Arguments.notNull("activation", "name", name)));
  }

  /**
   * Keras's {@code Activation} with a typed activation.
   *
   * @param a the activation
   * @return a new layer, configurable with its setters until its first call
   */
  public static ActivationLayer activation(Activation a) {
    return new ActivationLayer(Arguments.notNull("activation", "a", a));
  }

  /**
   * Keras's {@code ReLU()} layer; set {@code maxValue(6)} for ReLU6, {@code negativeSlope} and
   * {@code threshold} as in Keras.
   *
   * @return a new layer, configurable with its setters until its first call
   */
  public static Relu relu() {
    return new Relu();
  }

  /**
   * Keras's {@code LeakyReLU()}: slope 0.3 below 0.
   *
   * @return a new layer, configurable with its setters until its first call
   */
  public static LeakyRelu leakyRelu() {
    return new LeakyRelu();
  }

  /**
   * Keras's {@code LeakyReLU(negative_slope)}.
   *
   * @param negativeSlope the slope below 0
   * @return a new layer, configurable with its setters until its first call
   */
  public static LeakyRelu leakyRelu(double negativeSlope) {
    return new LeakyRelu(negativeSlope);
  }

  /**
   * Keras's {@code PReLU()}: a learned slope per element; {@code sharedAxes} shares it.
   *
   * @return a new layer, configurable with its setters until its first call
   */
  public static PRelu prelu() {
    return new PRelu();
  }

  /**
   * Keras's {@code ELU()} layer (alpha 1).
   *
   * @return a new layer, configurable with its setters until its first call
   */
  public static Elu elu() {
    return new Elu();
  }

  /**
   * Keras's {@code ELU(alpha)} layer.
   *
   * @param alpha the magnitude of the negative saturation
   * @return a new layer, configurable with its setters until its first call
   */
  public static Elu elu(double alpha) {
    return new Elu(alpha);
  }

  /**
   * Keras's {@code Softmax()} layer, over the last axis.
   *
   * @return a new layer, configurable with its setters until its first call
   */
  public static Softmax softmax() {
    return new Softmax();
  }

  /**
   * Keras's {@code Softmax(axis)} layer.
   *
   * @param axis the normalised axis, negative counting from the end
   * @return a new layer, configurable with its setters until its first call
   */
  public static Softmax softmax(int axis) {
    return new Softmax(axis);
  }

  /**
   * tf.keras's {@code ThresholdedReLU(theta)}: {@code x > theta ? x : 0}.
   *
   * @param theta the threshold, 0 or more
   * @return a new layer, configurable with its setters until its first call
   */
  public static ThresholdedRelu thresholdedRelu(double theta) {
    return new ThresholdedRelu(theta);
  }

  /**
   * Keras's {@code Identity()} layer.
   *
   * @return a new layer, configurable with its setters until its first call
   */
  public static Identity identity() {
    return new Identity();
  }

  /**
   * Keras's {@code ActivityRegularization(l1, l2)}: adds a penalty on its input to the loss.
   *
   * @param l1 the factor of the sum of absolute values
   * @param l2 the factor of the sum of squares
   * @return a new layer, configurable with its setters until its first call
   */
  public static ActivityRegularization activityRegularization(double l1, double l2) {
    return new ActivityRegularization(l1, l2);
  }

  /**
   * Keras's {@code UnitNormalization(axis)} (default the last axis).
   *
   * @param axes the normalised axes; none for the last
   * @return a new layer, configurable with its setters until its first call
   */
  public static UnitNormalization unitNormalization(int... axes) {
    return Arguments.ints("unitNormalization", "axes", axes).length == 0
        ? new UnitNormalization()
        : new UnitNormalization(axes);
  }

  /**
   * Keras's {@code GaussianNoise(stddev)}: additive noise in training only.
   *
   * @param stddev the noise's standard deviation
   * @return a new layer, configurable with its setters until its first call
   */
  public static GaussianNoise gaussianNoise(double stddev) {
    return new GaussianNoise(stddev);
  }

  /**
   * Keras's {@code GaussianDropout(rate)}: multiplicative noise in training only.
   *
   * @param rate the drop probability the noise's variance corresponds to, in {@code [0, 1)}
   * @return a new layer, configurable with its setters until its first call
   */
  public static GaussianDropout gaussianDropout(double rate) {
    return new GaussianDropout(rate);
  }

  /**
   * Keras's {@code AlphaDropout(rate)}, for SELU networks; in training only.
   *
   * @param rate the fraction of values dropped in training, in {@code [0, 1)}
   * @return a new layer, configurable with its setters until its first call
   */
  public static AlphaDropout alphaDropout(double rate) {
    return new AlphaDropout(rate);
  }

  /**
   * Keras's {@code SpatialDropout1D(rate)}: drops whole channels of {@code (steps, channels)}.
   *
   * @param rate the fraction of channels dropped in training, in {@code [0, 1)}
   * @return a new layer, configurable with its setters until its first call
   */
  public static SpatialDropout spatialDropout1d(double rate) {
    return new SpatialDropout(1, rate);
  }

  /**
   * Keras's {@code SpatialDropout2D(rate)}: drops whole channels of {@code (h, w, channels)}.
   *
   * @param rate the fraction of channels dropped in training, in {@code [0, 1)}
   * @return a new layer, configurable with its setters until its first call
   */
  public static SpatialDropout spatialDropout2d(double rate) {
    return new SpatialDropout(2, rate);
  }

  /**
   * Keras's {@code Embedding(input_dim, output_dim)}.
   *
   * @param inputDim the vocabulary size
   * @param outputDim the size of each vector
   * @return a new layer, configurable with its setters until its first call
   */
  public static Embedding embedding(int inputDim, int outputDim) {
    return new Embedding(inputDim, outputDim);
  }

  /**
   * Keras's {@code Masking(mask_value)}: steps whose features all equal {@code maskValue} are
   * skipped by the recurrent layers downstream (and become 0).
   *
   * <pre>{@code
   * jshell> var x = input(100, 8);
   * jshell> var h = lstm(32).on(masking(0).on(x));   // zero rows are padding
   * }</pre>
   *
   * @param maskValue the value marking a padded step
   * @return a new layer, configurable with its setters until its first call
   */
  public static Masking masking(double maskValue) {
    return new Masking((float) maskValue);
  }

  /**
   * Keras's {@code LSTM(units)}.
   *
   * @param units the size of the state and of each step's output
   * @return a new layer, configurable with its setters until its first call
   */
  public static Lstm lstm(int units) {
    return new Lstm(units);
  }

  /**
   * Keras's {@code GRU(units)} (reset_after=true).
   *
   * @param units the size of the state and of each step's output
   * @return a new layer, configurable with its setters until its first call
   */
  public static Gru gru(int units) {
    return new Gru(units);
  }

  /**
   * A layer computing a Java function of graph nodes (Keras's {@code Lambda}).
   *
   * @param fn builds the output node from the input node
   * @return a new layer, configurable with its setters until its first call
   */
  public static Lambda lambda(UnaryOperator<Node> fn) {
    return new Lambda(Arguments.notNull("lambda", "fn", fn));
  }

  // ---- merging ----

  /**
   * Keras's {@code concatenate([a, b, ...])} along the last axis.
   *
   * @param inputs tensors equal in every axis but the last
   * @return the merged tensor
   */
  public static SymbolicTensor concatenate(SymbolicTensor... inputs) {
    return new Concatenate().on(Arguments.all("concatenate", "inputs", inputs));
  }

  /**
   * Keras's {@code concatenate(inputs, axis)}.
   *
   * @param axis the joining axis, negative counting from the end
   * @param inputs tensors equal in every other axis
   * @return the merged tensor
   */
  public static SymbolicTensor concatenate(int axis, SymbolicTensor... inputs) {
    return new Concatenate(axis).on(Arguments.all("concatenate", "inputs", inputs));
  }

  /**
   * Keras's {@code average([a, b, ...])}: an averaging ensemble.
   *
   * @param inputs tensors of equal shape (broadcastable for the arithmetic merges)
   * @return the merged tensor
   */
  public static SymbolicTensor average(SymbolicTensor... inputs) {
    return new Average().on(Arguments.all("average", "inputs", inputs));
  }

  /**
   * Keras's {@code add([a, b, ...])}.
   *
   * @param inputs tensors of equal shape (broadcastable for the arithmetic merges)
   * @return the merged tensor
   */
  public static SymbolicTensor add(SymbolicTensor... inputs) {
    return new Add().on(Arguments.all("add", "inputs", inputs));
  }

  /**
   * Keras's {@code subtract([a, b])}.
   *
   * @param a the minuend
   * @param b the subtrahend, of {@code a}'s shape
   * @return the merged tensor
   */
  public static SymbolicTensor subtract(SymbolicTensor a, SymbolicTensor b) {
    return new Subtract()
        .on(Arguments.notNull("subtract", "a", a), Arguments.notNull("subtract", "b", b));
  }

  /**
   * Keras's {@code multiply([a, b, ...])}.
   *
   * @param inputs tensors of equal shape (broadcastable for the arithmetic merges)
   * @return the merged tensor
   */
  public static SymbolicTensor multiply(SymbolicTensor... inputs) {
    return new Multiply().on(Arguments.all("multiply", "inputs", inputs));
  }

  /**
   * A {@code Concatenate} layer object (for reuse).
   *
   * @param axis the joining axis, negative counting from the end
   * @return a new layer, configurable with its setters until its first call
   */
  public static Concatenate concatenateLayer(int axis) {
    return new Concatenate(axis);
  }

  /**
   * An {@code Average} layer object.
   *
   * @return a new layer, configurable with its setters until its first call
   */
  public static Average averageLayer() {
    return new Average();
  }

  // ---- more layers (Keras layers reference) ----

  /**
   * Keras's {@code Permute(dims)}: 1-based sample axes, e.g. {@code permute(2, 1)}.
   *
   * @param dims for each output axis after the batch, the input axis it takes
   * @return a new layer, configurable with its setters until its first call
   */
  public static Permute permute(int... dims) {
    return new Permute(Arguments.ints("permute", "dims", dims));
  }

  /**
   * Keras's {@code Conv1D(filters, kernel_size)} on {@code (batch, steps, channels)}.
   *
   * @param filters the number of output channels
   * @param kernelSize the window's length in steps
   * @return a new layer, configurable with its setters until its first call
   */
  public static Conv1D conv1d(int filters, int kernelSize) {
    return new Conv1D(filters, kernelSize);
  }

  /**
   * Keras's {@code MaxPooling1D()}: windows of 2, strides 2.
   *
   * @return a new layer, configurable with its setters until its first call
   */
  public static Pooling1D maxPooling1d() {
    return new Pooling1D(true, 2);
  }

  /**
   * Keras's {@code MaxPooling1D(pool_size)}.
   *
   * @param pool the window's length, also the stride
   * @return a new layer, configurable with its setters until its first call
   */
  public static Pooling1D maxPooling1d(int pool) {
    return new Pooling1D(true, pool);
  }

  /**
   * Keras's {@code AveragePooling1D(pool_size)}.
   *
   * @param pool the window's length, also the stride
   * @return a new layer, configurable with its setters until its first call
   */
  public static Pooling1D averagePooling1d(int pool) {
    return new Pooling1D(false, pool);
  }

  /**
   * Keras's {@code GlobalAveragePooling1D()}: the mean over time.
   *
   * @return a new layer, configurable with its setters until its first call
   */
  public static GlobalAveragePooling1D globalAveragePooling1d() {
    return new GlobalAveragePooling1D();
  }

  /**
   * Keras's {@code Rescaling(scale)}.
   *
   * @param scale the factor
   * @return a new layer, configurable with its setters until its first call
   */
  public static Rescaling rescaling(double scale) {
    return new Rescaling((float) scale, 0f);
  }

  /**
   * Keras's {@code Rescaling(scale, offset)}: {@code x * scale + offset}.
   *
   * @param scale the factor
   * @param offset the value added after scaling
   * @return a new layer, configurable with its setters until its first call
   */
  public static Rescaling rescaling(double scale, double offset) {
    return new Rescaling((float) scale, (float) offset);
  }

  /**
   * Keras's {@code BatchNormalization()} over the last axis.
   *
   * @return a new layer, configurable with its setters until its first call
   */
  public static BatchNormalization batchNormalization() {
    return new BatchNormalization();
  }

  /**
   * Keras's {@code LayerNormalization()} over the last axis.
   *
   * @return a new layer, configurable with its setters until its first call
   */
  public static LayerNormalization layerNormalization() {
    return new LayerNormalization();
  }

  /**
   * Keras's {@code GroupNormalization(groups)} over the last axis: each sample's channels are
   * normalised in {@code groups} groups of consecutive channels ({@code -1}: one per channel), e.g.
   * {@code groupNormalization(8).on(x)} for an {@code (N, H, W, 32)} image.
   *
   * @param groups the number of groups, dividing the channels, or -1
   * @return a new layer, configurable with its setters until its first call
   */
  public static GroupNormalization groupNormalization(int groups) {
    return new GroupNormalization(groups);
  }

  /**
   * Keras's {@code EinsumDense(equation, output_shape)}: {@code einsum(equation, x, kernel)}, the
   * kernel's shape derived from the equation, e.g. {@code einsumDense("abc,cd->abd", NONE,
   * 64).biasAxes("d")} is a Dense(64) on every step of a sequence. {@code outputShape} leaves out
   * the batch (and Keras's ellipsis); {@code NONE} where the input gives the size.
   *
   * @param equation Keras's einsum equation
   * @param outputShape the output's shape after the batch
   * @return a new layer, configurable with its setters until its first call
   */
  public static EinsumDense einsumDense(String equation, int... outputShape) {
    return new EinsumDense(
        Arguments.notNull("einsumDense", "equation", equation),
        Arguments.ints("einsumDense", "outputShape", outputShape));
  }

  /**
   * Keras's {@code GroupNormalization()}: 32 groups, as Keras's default.
   *
   * @return a new layer, configurable with its setters until its first call
   */
  public static GroupNormalization groupNormalization() {
    return new GroupNormalization(32);
  }

  /**
   * Keras's {@code maximum([a, b, ...])}: the element-wise maximum.
   *
   * @param inputs tensors of equal shape (broadcastable for the arithmetic merges)
   * @return the merged tensor
   */
  public static SymbolicTensor maximum(SymbolicTensor... inputs) {
    return new Maximum().on(Arguments.all("maximum", "inputs", inputs));
  }

  /**
   * Keras's {@code minimum([a, b, ...])}: the element-wise minimum.
   *
   * @param inputs tensors of equal shape (broadcastable for the arithmetic merges)
   * @return the merged tensor
   */
  public static SymbolicTensor minimum(SymbolicTensor... inputs) {
    return new Minimum().on(Arguments.all("minimum", "inputs", inputs));
  }

  /**
   * A {@code Maximum} layer object.
   *
   * @return a new layer, configurable with its setters until its first call
   */
  public static Maximum maximumLayer() {
    return new Maximum();
  }

  /**
   * A {@code Minimum} layer object.
   *
   * @return a new layer, configurable with its setters until its first call
   */
  public static Minimum minimumLayer() {
    return new Minimum();
  }

  /**
   * Keras's {@code dot([a, b], axes)}: the per-sample dot product over axis {@code axes}.
   *
   * @param axes the axis of both inputs summed over, counting the batch as 0
   * @param a the first tensor
   * @param b the second tensor
   * @return the products
   */
  public static SymbolicTensor dot(int axes, SymbolicTensor a, SymbolicTensor b) {
    return new Dot(axes).on(Arguments.notNull("dot", "a", a), Arguments.notNull("dot", "b", b));
  }

  /**
   * Keras's {@code dot([a, b], axes=[axisA, axisB])}: e.g. {@code dot(2, 2, q, k)} on {@code (N, 2,
   * 5)} and {@code (N, 4, 5)} gives the {@code (N, 2, 4)} products of their rows.
   *
   * @param axisA the axis of {@code a} summed over
   * @param axisB the axis of {@code b} summed over
   * @param a the first tensor
   * @param b the second tensor
   * @return the products
   */
  public static SymbolicTensor dot(int axisA, int axisB, SymbolicTensor a, SymbolicTensor b) {
    return new Dot(axisA, axisB)
        .on(Arguments.notNull("dot", "a", a), Arguments.notNull("dot", "b", b));
  }

  /**
   * Keras's {@code Dot(axes=[axisA, axisB])} layer object.
   *
   * @param axisA the axis of the first input summed over
   * @param axisB the axis of the second input summed over
   * @return a new layer, configurable with its setters until its first call
   */
  public static Dot dotLayer(int axisA, int axisB) {
    return new Dot(axisA, axisB);
  }

  /**
   * Keras's {@code Dot(axes)} layer object ({@code normalize(true)} for cosine similarity).
   *
   * @param axes the axis of both inputs summed over
   * @return a new layer, configurable with its setters until its first call
   */
  public static Dot dotLayer(int axes) {
    return new Dot(axes);
  }

  // ---- optimizers ----

  /**
   * Adam with Keras's defaults (lr 0.001).
   *
   * @return a new optimizer
   */
  public static Adam adam() {
    return new Adam();
  }

  /**
   * Adam with this learning rate.
   *
   * @param learningRate the base learning rate
   * @return a new optimizer
   */
  public static Adam adam(double learningRate) {
    return new Adam((float) learningRate, 0.9f, 0.999f, 1e-7f, 0f);
  }

  /**
   * AdamW with Keras's defaults.
   *
   * @return a new optimizer
   */
  public static AdamW adamw() {
    return new AdamW();
  }

  /**
   * SGD with Keras's default lr 0.01.
   *
   * @return a new optimizer
   */
  public static Sgd sgd() {
    return new Sgd();
  }

  /**
   * SGD with a learning rate, momentum and optional Nesterov momentum.
   *
   * @param learningRate the base learning rate
   * @param momentum the velocity's decay, in {@code [0, 1]}
   * @param nesterov true for Nesterov momentum
   * @return a new optimizer
   */
  public static Sgd sgd(double learningRate, double momentum, boolean nesterov) {
    return new Sgd((float) learningRate, (float) momentum, nesterov);
  }

  /**
   * RMSprop with Keras's defaults.
   *
   * @return a new optimizer
   */
  public static RmsProp rmsprop() {
    return new RmsProp();
  }

  /**
   * Adagrad with Keras's defaults.
   *
   * @return a new optimizer
   */
  public static Adagrad adagrad() {
    return new Adagrad();
  }

  // ---- losses and metrics ----

  /**
   * Binary cross-entropy on probabilities.
   *
   * @return the loss
   */
  public static Loss binaryCrossentropy() {
    return Loss.binaryCrossentropy(false);
  }

  /**
   * Categorical cross-entropy on probabilities.
   *
   * @return the loss
   */
  public static Loss categoricalCrossentropy() {
    return Loss.categoricalCrossentropy(false);
  }

  /**
   * Sparse categorical cross-entropy on probabilities.
   *
   * @return the loss
   */
  public static Loss sparseCategoricalCrossentropy() {
    return Loss.sparseCategoricalCrossentropy(false);
  }

  /**
   * Mean squared error.
   *
   * @return the loss
   */
  public static Loss meanSquaredError() {
    return Loss.meanSquaredError();
  }

  /**
   * Accuracy, resolved by the loss as Keras does.
   *
   * @return a placeholder metric, resolved at compile time
   */
  public static Metric accuracy() {
    return Metrics.accuracy();
  }

  // ---- fit options and callbacks ----

  /**
   * Fit options training for {@code n} epochs.
   *
   * @param n the number of epochs, at least 1
   * @return new options with Keras's other defaults
   */
  public static FitOptions epochs(int n) {
    return FitOptions.epochs(n);
  }

  /**
   * Keras's {@code EarlyStopping(monitor, patience)}.
   *
   * @param monitor the logged value watched, e.g. {@code val_loss}
   * @param patience the epochs without improvement before stopping
   * @return a new callback, to pass to {@link FitOptions#callbacks}
   */
  public static EarlyStopping earlyStopping(String monitor, int patience) {
    return new EarlyStopping(Arguments.notNull("earlyStopping", "monitor", monitor), patience);
  }

  /**
   * Keras's {@code ReduceLROnPlateau(monitor)} with its defaults (factor 0.1, patience 10).
   *
   * @param monitor the logged value watched
   * @return a new callback, to pass to {@link FitOptions#callbacks}
   */
  public static ReduceLrOnPlateau reduceLrOnPlateau(String monitor) {
    return new ReduceLrOnPlateau(Arguments.notNull("reduceLrOnPlateau", "monitor", monitor));
  }

  /**
   * Keras's {@code TerminateOnNaN()}: stops at a NaN loss and restores the epoch's weights.
   *
   * @return a new callback, to pass to {@link FitOptions#callbacks}
   */
  public static TerminateOnNaN terminateOnNaN() {
    return new TerminateOnNaN();
  }

  /**
   * Keras's {@code CSVLogger(filename)}: one CSV row of logs per epoch.
   *
   * @param filename the CSV file, replaced
   * @return a new callback, to pass to {@link FitOptions#callbacks}
   */
  public static CsvLogger csvLogger(String filename) {
    return new CsvLogger(
        java.nio.file.Path.of(Arguments.notNull("csvLogger", "filename", filename)));
  }

  /**
   * A lambda callback running {@code fn(epoch, logs)} after each epoch.
   *
   * @param fn the action, given the 0-based epoch and its logs
   * @return a new callback, to pass to {@link FitOptions#callbacks}
   */
  public static LambdaCallback onEpochEnd(
      java.util.function.BiConsumer<Integer, java.util.Map<String, Double>> fn) {
    return new LambdaCallback().onEpochEnd(Arguments.notNull("onEpochEnd", "fn", fn));
  }

  /**
   * A lambda callback running {@code fn(epoch)} before each epoch.
   *
   * @param fn the action, given the 0-based epoch
   * @return a new callback, to pass to {@link FitOptions#callbacks}
   */
  public static LambdaCallback onEpochBegin(java.util.function.IntConsumer fn) {
    return new LambdaCallback().onEpochBegin(Arguments.notNull("onEpochBegin", "fn", fn));
  }

  /**
   * A lambda callback running {@code fn(batch, logs)} after each batch.
   *
   * @param fn the action, given the 0-based batch and the running logs
   * @return a new callback, to pass to {@link FitOptions#callbacks}
   */
  public static LambdaCallback onBatchEnd(
      java.util.function.BiConsumer<Integer, java.util.Map<String, Double>> fn) {
    return new LambdaCallback().onBatchEnd(Arguments.notNull("onBatchEnd", "fn", fn));
  }

  /**
   * A lambda callback running {@code fn} before training.
   *
   * @param fn the action
   * @return a new callback, to pass to {@link FitOptions#callbacks}
   */
  public static LambdaCallback onTrainBegin(Runnable fn) {
    return new LambdaCallback().onTrainBegin(Arguments.notNull("onTrainBegin", "fn", fn));
  }

  /**
   * A lambda callback running {@code fn} after training.
   *
   * @param fn the action
   * @return a new callback, to pass to {@link FitOptions#callbacks}
   */
  public static LambdaCallback onTrainEnd(Runnable fn) {
    return new LambdaCallback().onTrainEnd(Arguments.notNull("onTrainEnd", "fn", fn));
  }

  /**
   * Keras's {@code ModelCheckpoint(filepath)}: saves the model after each epoch.
   *
   * @param path the file, which may hold placeholders such as {@code {epoch:02d}}
   * @return a new callback, to pass to {@link FitOptions#callbacks}
   */
  public static ModelCheckpoint modelCheckpoint(String path) {
    return new ModelCheckpoint(Arguments.notNull("modelCheckpoint", "path", path));
  }

  /**
   * Keras's {@code SimpleRNN(units)} (tanh; return_sequences, go_backwards, return_state).
   *
   * @param units the size of the state and of each step's output
   * @return a new layer, configurable with its setters until its first call
   */
  public static SimpleRnn simpleRnn(int units) {
    return new SimpleRnn(units);
  }

  /**
   * Keras's {@code Bidirectional(layer)} with {@code merge_mode="concat"}.
   *
   * @param layer the recurrent layer copied for each direction
   * @return a new layer, configurable with its setters until its first call
   */
  public static Bidirectional bidirectional(Recurrent layer) {
    return bidirectional(Arguments.notNull("bidirectional", "layer", layer), "concat");
  }

  /**
   * Keras's {@code Bidirectional(layer, merge_mode)}: concat, sum, mul or ave.
   *
   * @param layer the recurrent layer copied for each direction
   * @param mergeMode how the directions combine
   * @return a new layer, configurable with its setters until its first call
   */
  public static Bidirectional bidirectional(Recurrent layer, String mergeMode) {
    Arguments.notNull("bidirectional", "layer", layer);
    return new Bidirectional(
        layer,
        Bidirectional.MergeMode.of(Arguments.notNull("bidirectional", "mergeMode", mergeMode)));
  }

  /**
   * Keras's {@code RandomFlip(mode)}: horizontal, vertical or horizontal_and_vertical.
   *
   * @param mode the flips applied
   * @return a new layer, configurable with its setters until its first call
   */
  public static RandomFlip randomFlip(String mode) {
    return new RandomFlip(Arguments.notNull("randomFlip", "mode", mode));
  }

  /**
   * Keras's {@code RandomFlip()} (horizontal_and_vertical).
   *
   * @return a new layer, configurable with its setters until its first call
   */
  public static RandomFlip randomFlip() {
    return randomFlip("horizontal_and_vertical");
  }

  /**
   * Keras's {@code RandomRotation(factor)}: angles in [-factor, factor] of a full turn.
   *
   * @param factor the largest rotation as a fraction of a full turn
   * @return a new layer, configurable with its setters until its first call
   */
  public static RandomRotation randomRotation(double factor) {
    return new RandomRotation(factor);
  }

  /**
   * Keras's {@code RandomZoom(height_factor, width_factor)}.
   *
   * @param heightFactor the largest vertical zoom, as a fraction
   * @param widthFactor the largest horizontal zoom, as a fraction
   * @return a new layer, configurable with its setters until its first call
   */
  public static RandomZoom randomZoom(double heightFactor, double widthFactor) {
    return new RandomZoom(heightFactor, widthFactor);
  }

  /**
   * Keras's {@code RandomZoom(height_factor)} (aspect ratio kept).
   *
   * @param heightFactor the largest zoom, as a fraction
   * @return a new layer, configurable with its setters until its first call
   */
  public static RandomZoom randomZoom(double heightFactor) {
    return new RandomZoom(heightFactor);
  }

  /**
   * Keras's {@code RandomTranslation(height_factor, width_factor)}.
   *
   * @param heightFactor the largest vertical shift, as a fraction of the height
   * @param widthFactor the largest horizontal shift, as a fraction of the width
   * @return a new layer, configurable with its setters until its first call
   */
  public static RandomTranslation randomTranslation(double heightFactor, double widthFactor) {
    return new RandomTranslation(heightFactor, widthFactor);
  }

  // ---- padding, cropping, upsampling, time-distributed ----

  /**
   * Keras's {@code ZeroPadding1D(padding)}: {@code padding} zeros before and after the steps.
   *
   * @param padding the zero steps at each end
   * @return a new layer, configurable with its setters until its first call
   */
  public static ZeroPadding1D zeroPadding1d(int padding) {
    return new ZeroPadding1D(padding, padding);
  }

  /**
   * Keras's {@code ZeroPadding1D((left, right))}.
   *
   * @param left the zero steps at the start
   * @param right the zero steps at the end
   * @return a new layer, configurable with its setters until its first call
   */
  public static ZeroPadding1D zeroPadding1d(int left, int right) {
    return new ZeroPadding1D(left, right);
  }

  /**
   * Keras's {@code ZeroPadding2D(padding)}: {@code padding} zeros on every side.
   *
   * @param padding the zero rows and columns on each side
   * @return a new layer, configurable with its setters until its first call
   */
  public static ZeroPadding2D zeroPadding2d(int padding) {
    return new ZeroPadding2D(padding, padding, padding, padding);
  }

  /**
   * Keras's {@code ZeroPadding2D((h, w))}: {@code h} rows above and below, {@code w} columns.
   *
   * @param h the zero rows above and below
   * @param w the zero columns left and right
   * @return a new layer, configurable with its setters until its first call
   */
  public static ZeroPadding2D zeroPadding2d(int h, int w) {
    return new ZeroPadding2D(h, h, w, w);
  }

  /**
   * Keras's {@code ZeroPadding2D(((top, bottom), (left, right)))}.
   *
   * @param top zero rows at the top
   * @param bottom zero rows at the bottom
   * @param left zero columns at the left
   * @param right zero columns at the right
   * @return a new layer, configurable with its setters until its first call
   */
  public static ZeroPadding2D zeroPadding2d(int top, int bottom, int left, int right) {
    return new ZeroPadding2D(top, bottom, left, right);
  }

  /**
   * Keras's {@code Cropping1D(cropping)}: {@code cropping} steps off each end.
   *
   * @param cropping the steps removed at each end
   * @return a new layer, configurable with its setters until its first call
   */
  public static Cropping1D cropping1d(int cropping) {
    return new Cropping1D(cropping, cropping);
  }

  /**
   * Keras's {@code Cropping1D((left, right))}.
   *
   * @param left the steps removed at the start
   * @param right the steps removed at the end
   * @return a new layer, configurable with its setters until its first call
   */
  public static Cropping1D cropping1d(int left, int right) {
    return new Cropping1D(left, right);
  }

  /**
   * Keras's {@code Cropping2D((h, w))}: {@code h} rows off the top and bottom, {@code w} columns.
   *
   * @param h the rows removed at the top and at the bottom
   * @param w the columns removed at the left and at the right
   * @return a new layer, configurable with its setters until its first call
   */
  public static Cropping2D cropping2d(int h, int w) {
    return new Cropping2D(h, h, w, w);
  }

  /**
   * Keras's {@code Cropping2D(((top, bottom), (left, right)))}.
   *
   * @param top rows removed at the top
   * @param bottom rows removed at the bottom
   * @param left columns removed at the left
   * @param right columns removed at the right
   * @return a new layer, configurable with its setters until its first call
   */
  public static Cropping2D cropping2d(int top, int bottom, int left, int right) {
    return new Cropping2D(top, bottom, left, right);
  }

  /**
   * Keras's {@code UpSampling1D(size)}: each step repeated {@code size} times.
   *
   * @param size the repetition factor
   * @return a new layer, configurable with its setters until its first call
   */
  public static UpSampling1D upSampling1d(int size) {
    return new UpSampling1D(size);
  }

  /**
   * Keras's {@code UpSampling2D(size=(h, w))}, nearest by default; {@code
   * .interpolation("bilinear")} for Keras 3's bilinear resize.
   *
   * @param h the row factor
   * @param w the column factor
   * @return a new layer, configurable with its setters until its first call
   */
  public static UpSampling2D upSampling2d(int h, int w) {
    return new UpSampling2D(h, w);
  }

  /**
   * Keras's {@code UpSampling2D()}: rows and columns doubled.
   *
   * @return a new layer, configurable with its setters until its first call
   */
  public static UpSampling2D upSampling2d() {
    return new UpSampling2D(2, 2);
  }

  /**
   * Keras's {@code GlobalMaxPooling1D()}: the maximum over time.
   *
   * @return a new layer, configurable with its setters until its first call
   */
  public static GlobalMaxPooling1D globalMaxPooling1d() {
    return new GlobalMaxPooling1D();
  }

  /**
   * Keras's {@code TimeDistributed(layer)}: {@code layer}, with one set of weights, on every time
   * step, e.g. {@code timeDistributed(dense(8)).on(x)} maps {@code (N, T, 5)} to {@code (N, T, 8)}.
   *
   * @param layer the layer applied to each step
   * @return a new layer, configurable with its setters until its first call
   */
  public static TimeDistributed timeDistributed(Layer layer) {
    return new TimeDistributed(Arguments.notNull("timeDistributed", "layer", layer));
  }

  /**
   * Keras's {@code MultiHeadAttention(num_heads, key_dim)}: call it on {@code (query, value)},
   * {@code (query, value, key)} or {@code (query, value, key, attentionMask)}.
   *
   * <pre>{@code
   * jshell> var x = input(64, 128);
   * jshell> multiHeadAttention(4, 32).useCausalMask(true).on(x, x)
   * $2 ==> <SymbolicTensor shape=(None, 64, 128), name=multi_head_attention>
   * }</pre>
   *
   * @param numHeads the number of heads
   * @param keyDim the size of each query and key head
   * @return a new layer, configurable with its setters until its first call
   */
  public static MultiHeadAttention multiHeadAttention(int numHeads, int keyDim) {
    return new MultiHeadAttention(numHeads, keyDim);
  }

  /**
   * Keras's {@code Attention()} (Luong dot-product attention): call it on {@code (query, value)} or
   * {@code (query, value, key)}.
   *
   * @return a new layer, configurable with its setters until its first call
   */
  public static Attention attention() {
    return new Attention();
  }

  /**
   * Keras's {@code AdditiveAttention()} (Bahdanau attention with a learned scale): call it on
   * {@code (query, value)} or {@code (query, value, key)}.
   *
   * @return a new layer, configurable with its setters until its first call
   */
  public static AdditiveAttention additiveAttention() {
    return new AdditiveAttention();
  }

  // ---- inputs of other dtypes and preprocessing layers ----

  /**
   * Keras's {@code Input(shape=dims, dtype="string")}: a model input fed Java strings, read by a
   * preprocessing layer such as {@code TextVectorization}. {@code stringInput()} (Keras's {@code
   * shape=()}) takes one string per sample, {@code stringInput(1)} too, as a column.
   *
   * <pre>{@code
   * jshell> var text = stringInput(1);
   * jshell> var vectorizer = textVectorization().outputSequenceLength(8);
   * jshell> vectorizer.adapt(List.of("a small example", "another example"));
   * jshell> var m = model(text, dense(1).on(embedding(100, 4).on(vectorizer.on(text))));
   * jshell> m.predict("a new example").shape()
   * $5 ==> (1, 8, 1)
   * }</pre>
   *
   * @param dims the sizes after the batch axis; none for one string per sample
   * @return the input tensor
   */
  public static SymbolicTensor stringInput(int... dims) {
    return new InputLayer(
            Shape.batched(Arguments.ints("stringInput", "dims", dims)), null, "string")
        .output();
  }

  /**
   * A named model input fed strings (Keras's {@code Input(shape, dtype="string", name=...)}).
   *
   * @param name the input's name
   * @param dims the sizes after the batch axis
   * @return the input tensor
   */
  public static SymbolicTensor stringInput(String name, int... dims) {
    Arguments.notNull("stringInput", "name", name);
    return new InputLayer(
            Shape.batched(Arguments.ints("stringInput", "dims", dims)), name, "string")
        .output();
  }

  /**
   * Keras's {@code Input(shape=dims, dtype=dtype, name=name)}: {@code dtype} is {@code "float32"},
   * {@code "int32"}, {@code "int64"} (fed as float tensors holding whole numbers) or {@code
   * "string"}; {@code name} may be {@code null}.
   *
   * @param name the input's name
   * @param dtype the Keras dtype name
   * @param dims the sizes after the batch axis
   * @return the input tensor
   */
  public static SymbolicTensor input(String name, String dtype, int... dims) {
    Arguments.notNull("input", "dtype", dtype);
    return new InputLayer(Shape.batched(Arguments.ints("input", "dims", dims)), name, dtype)
        .output();
  }

  /**
   * Keras's {@code TextVectorization()}: lower case, strip punctuation, split on whitespace, output
   * token indices (0 padding, 1 {@code "[UNK]"}); learn the vocabulary with {@code adapt}.
   *
   * @return a new layer, configurable with its setters until its first call
   */
  public static dev.graft.layers.TextVectorization textVectorization() {
    return new dev.graft.layers.TextVectorization();
  }

  /**
   * Keras's {@code TextVectorization(max_tokens=maxTokens, output_sequence_length=length)}: token
   * indices padded or truncated to {@code length}, from a vocabulary of at most {@code maxTokens}
   * entries (padding and OOV included).
   *
   * @param maxTokens the largest vocabulary, padding and OOV included
   * @param outputSequenceLength the number of tokens per sample
   * @return a new layer, configurable with its setters until its first call
   */
  public static dev.graft.layers.TextVectorization textVectorization(
      int maxTokens, int outputSequenceLength) {
    return new dev.graft.layers.TextVectorization()
        .maxTokens(maxTokens)
        .outputSequenceLength(outputSequenceLength);
  }

  /**
   * Keras's {@code StringLookup()}: strings to indices, 0 for {@code "[UNK]"}.
   *
   * @return a new layer, configurable with its setters until its first call
   */
  public static dev.graft.layers.StringLookup stringLookup() {
    return new dev.graft.layers.StringLookup();
  }

  /**
   * Keras's {@code StringLookup(max_tokens, num_oov_indices, mask_token, oov_token, output_mode)};
   * {@code maxTokens} and {@code maskToken} may be {@code null}.
   *
   * @param maxTokens the largest vocabulary, or {@code null}
   * @param numOovIndices the number of out-of-vocabulary indices
   * @param maskToken the string mapped to index 0, or {@code null}
   * @param oovToken the string listed for OOV indices
   * @param outputMode {@code int}, {@code one_hot}, {@code multi_hot}, {@code count} or {@code
   *     tf_idf}
   * @return a new layer, configurable with its setters until its first call
   */
  public static dev.graft.layers.StringLookup stringLookup(
      Integer maxTokens, int numOovIndices, String maskToken, String oovToken, String outputMode) {
    Arguments.notNull("stringLookup", "oovToken", oovToken);
    Arguments.notNull("stringLookup", "outputMode", outputMode);
    return new dev.graft.layers.StringLookup(
        maxTokens, numOovIndices, maskToken, oovToken, outputMode, false);
  }

  /**
   * Keras's {@code Normalization()}: {@code (x - mean) / sqrt(variance)} per feature of the last
   * axis, the statistics learned with {@code adapt(data)} and saved as weights.
   *
   * @return a new layer, configurable with its setters until its first call
   */
  public static dev.graft.layers.Normalization normalization() {
    return new dev.graft.layers.Normalization(-1);
  }

  /**
   * Keras's {@code Normalization(axis=axes)}: statistics per position of these axes; {@code new
   * int[0]} is Keras's {@code axis=None} (one mean and variance for everything).
   *
   * @param axes the axes that keep their own statistics
   * @return a new layer, configurable with its setters until its first call
   */
  public static dev.graft.layers.Normalization normalization(int... axes) {
    return new dev.graft.layers.Normalization(Arguments.ints("normalization", "axes", axes));
  }

  /**
   * Keras's {@code IntegerLookup()}: whole numbers to indices, 0 for the OOV value.
   *
   * @return a new layer, configurable with its setters until its first call
   */
  public static dev.graft.layers.IntegerLookup integerLookup() {
    return new dev.graft.layers.IntegerLookup();
  }

  /**
   * Keras's {@code CategoryEncoding(num_tokens, output_mode)}: indices as {@code "one_hot"}, {@code
   * "multi_hot"} or {@code "count"} rows.
   *
   * @param numTokens the number of classes
   * @param outputMode the encoding
   * @return a new layer, configurable with its setters until its first call
   */
  public static dev.graft.layers.CategoryEncoding categoryEncoding(
      int numTokens, String outputMode) {
    return new dev.graft.layers.CategoryEncoding(
        numTokens, Arguments.notNull("categoryEncoding", "outputMode", outputMode));
  }

  /**
   * Keras's {@code Hashing(num_bins)}: strings or whole numbers to FarmHash bins.
   *
   * @param numBins the number of bins
   * @return a new layer, configurable with its setters until its first call
   */
  public static dev.graft.layers.Hashing hashing(int numBins) {
    return new dev.graft.layers.Hashing(numBins, "int");
  }

  /**
   * Keras's {@code Discretization(bin_boundaries=boundaries)}: values to bucket indices.
   *
   * @param binBoundaries the sorted boundaries
   * @return a new layer, configurable with its setters until its first call
   */
  public static dev.graft.layers.Discretization discretization(double... binBoundaries) {
    Arguments.notNull("discretization", "binBoundaries", binBoundaries);
    float[] b = new float[binBoundaries.length];
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) binBoundaries[i];
    }
    return new dev.graft.layers.Discretization(b, null, 0.01, "int");
  }

  /**
   * Keras's {@code Discretization(num_bins=numBins)}: boundaries learned with {@code adapt}.
   *
   * @param numBins the number of bins
   * @return a new layer, configurable with its setters until its first call
   */
  public static dev.graft.layers.Discretization discretizationBins(int numBins) {
    return new dev.graft.layers.Discretization(null, numBins, 0.01, "int");
  }

  /**
   * Keras's {@code Resizing(height, width)}: bilinear resizing of model-input images.
   *
   * @param height the output height in pixels
   * @param width the output width in pixels
   * @return a new layer, configurable with its setters until its first call
   */
  public static dev.graft.layers.Resizing resizing(int height, int width) {
    return new dev.graft.layers.Resizing(height, width, "bilinear");
  }

  /**
   * Keras's {@code Resizing(height, width, interpolation)}: {@code "bilinear"} or {@code
   * "nearest"}.
   *
   * @param height the output height in pixels
   * @param width the output width in pixels
   * @param interpolation the interpolation's Keras name
   * @return a new layer, configurable with its setters until its first call
   */
  public static dev.graft.layers.Resizing resizing(int height, int width, String interpolation) {
    Arguments.notNull("resizing", "interpolation", interpolation);
    return new dev.graft.layers.Resizing(height, width, interpolation);
  }

  /**
   * Keras's {@code CenterCrop(height, width)}: the central window of images.
   *
   * @param height the output height in pixels
   * @param width the output width in pixels
   * @return a new layer, configurable with its setters until its first call
   */
  public static dev.graft.layers.CenterCrop centerCrop(int height, int width) {
    return new dev.graft.layers.CenterCrop(height, width);
  }
}
