package dev.graft.dsl;

import dev.graft.autograd.Node;
import dev.graft.autograd.optim.Adagrad;
import dev.graft.autograd.optim.Adam;
import dev.graft.autograd.optim.AdamW;
import dev.graft.autograd.optim.RmsProp;
import dev.graft.autograd.optim.Sgd;
import dev.graft.layers.ActivationLayer;
import dev.graft.layers.Add;
import dev.graft.layers.Average;
import dev.graft.layers.BatchNormalization;
import dev.graft.layers.Bidirectional;
import dev.graft.layers.Concatenate;
import dev.graft.layers.Conv1D;
import dev.graft.layers.Conv2D;
import dev.graft.layers.Dense;
import dev.graft.layers.Dot;
import dev.graft.layers.Dropout;
import dev.graft.layers.Embedding;
import dev.graft.layers.Flatten;
import dev.graft.layers.GlobalAveragePooling1D;
import dev.graft.layers.GlobalPooling2D;
import dev.graft.layers.Gru;
import dev.graft.layers.InputLayer;
import dev.graft.layers.Lambda;
import dev.graft.layers.LayerNormalization;
import dev.graft.layers.Lstm;
import dev.graft.layers.Maximum;
import dev.graft.layers.Minimum;
import dev.graft.layers.Multiply;
import dev.graft.layers.NameScope;
import dev.graft.layers.Permute;
import dev.graft.layers.Pooling1D;
import dev.graft.layers.Pooling2D;
import dev.graft.layers.RandomFlip;
import dev.graft.layers.RandomRotation;
import dev.graft.layers.RandomTranslation;
import dev.graft.layers.RandomZoom;
import dev.graft.layers.Recurrent;
import dev.graft.layers.RepeatVector;
import dev.graft.layers.Rescaling;
import dev.graft.layers.Reshape;
import dev.graft.layers.SimpleRnn;
import dev.graft.layers.Subtract;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import java.util.List;
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

  /** Makes initialisation, shuffling and dropout reproducible from this seed. */
  public static void seed(long seed) {
    Rng.seed(seed);
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
   */
  public static SymbolicTensor input(int... dims) {
    return new InputLayer(Shape.batched(dims), null).output();
  }

  /** A named model input of shape {@code (None, dims...)}. */
  public static SymbolicTensor input(String name, int... dims) {
    return new InputLayer(Shape.batched(dims), name).output();
  }

  /** A functional model from one input to one output. */
  public static Model model(SymbolicTensor input, SymbolicTensor output) {
    return new Model(List.of(input), List.of(output));
  }

  /** A functional model from several inputs to one output. */
  public static Model model(List<SymbolicTensor> inputs, SymbolicTensor output) {
    return new Model(inputs, List.of(output));
  }

  /** A functional model with several inputs and outputs. */
  public static Model model(List<SymbolicTensor> inputs, List<SymbolicTensor> outputs) {
    return new Model(inputs, outputs);
  }

  /** A stack of layers; the first needs {@code inputShape(...)}. */
  public static Sequential sequential(Layer... layers) {
    return new Sequential(List.of(layers));
  }

  /** A stack of layers on an {@code input(...)}. */
  public static Sequential sequential(SymbolicTensor input, Layer... layers) {
    return new Sequential(input, List.of(layers));
  }

  // ---- layers ----

  /** Keras's {@code Dense(units)}. */
  public static Dense dense(int units) {
    return new Dense(units);
  }

  /** Keras's {@code Conv2D(filters, kernel_size)} with square kernels. */
  public static Conv2D conv2d(int filters, int kernelSize) {
    return new Conv2D(filters, kernelSize);
  }

  /** Keras's {@code Conv2D(filters, (kh, kw))}. */
  public static Conv2D conv2d(int filters, int kh, int kw) {
    return new Conv2D(filters, kh, kw);
  }

  /** Keras's {@code MaxPooling2D()}: 2x2 windows, strides 2. */
  public static Pooling2D maxPooling2d() {
    return new Pooling2D(true, 2, 2);
  }

  /** Keras's {@code MaxPooling2D(pool_size)}. */
  public static Pooling2D maxPooling2d(int pool) {
    return new Pooling2D(true, pool, pool);
  }

  /** Keras's {@code AveragePooling2D()}. */
  public static Pooling2D averagePooling2d() {
    return new Pooling2D(false, 2, 2);
  }

  /** Keras's {@code AveragePooling2D(pool_size)}. */
  public static Pooling2D averagePooling2d(int pool) {
    return new Pooling2D(false, pool, pool);
  }

  /** Keras's {@code GlobalAveragePooling2D()}. */
  public static GlobalPooling2D globalAveragePooling2d() {
    return new GlobalPooling2D(false);
  }

  /** Keras's {@code GlobalMaxPooling2D()}. */
  public static GlobalPooling2D globalMaxPooling2d() {
    return new GlobalPooling2D(true);
  }

  /** Keras's {@code Flatten()}. */
  public static Flatten flatten() {
    return new Flatten();
  }

  /** Keras's {@code Reshape(target_shape)}. */
  public static Reshape reshape(int... targetShape) {
    return new Reshape(targetShape);
  }

  /** Keras's {@code RepeatVector(n)}. */
  public static RepeatVector repeatVector(int n) {
    return new RepeatVector(n);
  }

  /** Keras's {@code Dropout(rate)}. */
  public static Dropout dropout(double rate) {
    return new Dropout((float) rate);
  }

  /** Keras's {@code Activation(name)}. */
  public static ActivationLayer activation(String name) {
    return new ActivationLayer(Activation.of(name));
  }

  /** Keras's {@code Activation} with a typed activation. */
  public static ActivationLayer activation(Activation a) {
    return new ActivationLayer(a);
  }

  /** Keras's {@code Embedding(input_dim, output_dim)}. */
  public static Embedding embedding(int inputDim, int outputDim) {
    return new Embedding(inputDim, outputDim);
  }

  /** Keras's {@code LSTM(units)}. */
  public static Lstm lstm(int units) {
    return new Lstm(units);
  }

  /** Keras's {@code GRU(units)} (reset_after=true). */
  public static Gru gru(int units) {
    return new Gru(units);
  }

  /** A layer computing a Java function of graph nodes (Keras's {@code Lambda}). */
  public static Lambda lambda(UnaryOperator<Node> fn) {
    return new Lambda(fn);
  }

  // ---- merging ----

  /** Keras's {@code concatenate([a, b, ...])} along the last axis. */
  public static SymbolicTensor concatenate(SymbolicTensor... inputs) {
    return new Concatenate().on(inputs);
  }

  /** Keras's {@code concatenate(inputs, axis)}. */
  public static SymbolicTensor concatenate(int axis, SymbolicTensor... inputs) {
    return new Concatenate(axis).on(inputs);
  }

  /** Keras's {@code average([a, b, ...])}: an averaging ensemble. */
  public static SymbolicTensor average(SymbolicTensor... inputs) {
    return new Average().on(inputs);
  }

  /** Keras's {@code add([a, b, ...])}. */
  public static SymbolicTensor add(SymbolicTensor... inputs) {
    return new Add().on(inputs);
  }

  /** Keras's {@code subtract([a, b])}. */
  public static SymbolicTensor subtract(SymbolicTensor a, SymbolicTensor b) {
    return new Subtract().on(a, b);
  }

  /** Keras's {@code multiply([a, b, ...])}. */
  public static SymbolicTensor multiply(SymbolicTensor... inputs) {
    return new Multiply().on(inputs);
  }

  /** A {@code Concatenate} layer object (for reuse). */
  public static Concatenate concatenateLayer(int axis) {
    return new Concatenate(axis);
  }

  /** An {@code Average} layer object. */
  public static Average averageLayer() {
    return new Average();
  }

  // ---- more layers (Keras layers reference) ----

  /** Keras's {@code Permute(dims)}: 1-based sample axes, e.g. {@code permute(2, 1)}. */
  public static Permute permute(int... dims) {
    return new Permute(dims);
  }

  /** Keras's {@code Conv1D(filters, kernel_size)} on {@code (batch, steps, channels)}. */
  public static Conv1D conv1d(int filters, int kernelSize) {
    return new Conv1D(filters, kernelSize);
  }

  /** Keras's {@code MaxPooling1D()}: windows of 2, strides 2. */
  public static Pooling1D maxPooling1d() {
    return new Pooling1D(true, 2);
  }

  /** Keras's {@code MaxPooling1D(pool_size)}. */
  public static Pooling1D maxPooling1d(int pool) {
    return new Pooling1D(true, pool);
  }

  /** Keras's {@code AveragePooling1D(pool_size)}. */
  public static Pooling1D averagePooling1d(int pool) {
    return new Pooling1D(false, pool);
  }

  /** Keras's {@code GlobalAveragePooling1D()}: the mean over time. */
  public static GlobalAveragePooling1D globalAveragePooling1d() {
    return new GlobalAveragePooling1D();
  }

  /** Keras's {@code Rescaling(scale)}. */
  public static Rescaling rescaling(double scale) {
    return new Rescaling((float) scale, 0f);
  }

  /** Keras's {@code Rescaling(scale, offset)}: {@code x * scale + offset}. */
  public static Rescaling rescaling(double scale, double offset) {
    return new Rescaling((float) scale, (float) offset);
  }

  /** Keras's {@code BatchNormalization()} over the last axis. */
  public static BatchNormalization batchNormalization() {
    return new BatchNormalization();
  }

  /** Keras's {@code LayerNormalization()} over the last axis. */
  public static LayerNormalization layerNormalization() {
    return new LayerNormalization();
  }

  /** Keras's {@code maximum([a, b, ...])}: the element-wise maximum. */
  public static SymbolicTensor maximum(SymbolicTensor... inputs) {
    return new Maximum().on(inputs);
  }

  /** Keras's {@code minimum([a, b, ...])}: the element-wise minimum. */
  public static SymbolicTensor minimum(SymbolicTensor... inputs) {
    return new Minimum().on(inputs);
  }

  /** A {@code Maximum} layer object. */
  public static Maximum maximumLayer() {
    return new Maximum();
  }

  /** A {@code Minimum} layer object. */
  public static Minimum minimumLayer() {
    return new Minimum();
  }

  /** Keras's {@code dot([a, b], axes)} for rank-2 inputs: the per-sample dot product. */
  public static SymbolicTensor dot(int axes, SymbolicTensor a, SymbolicTensor b) {
    return new Dot(axes).on(a, b);
  }

  /** Keras's {@code Dot(axes)} layer object ({@code normalize(true)} for cosine similarity). */
  public static Dot dotLayer(int axes) {
    return new Dot(axes);
  }

  // ---- optimizers ----

  /** Adam with Keras's defaults (lr 0.001). */
  public static Adam adam() {
    return new Adam();
  }

  /** Adam with this learning rate. */
  public static Adam adam(double learningRate) {
    return new Adam((float) learningRate, 0.9f, 0.999f, 1e-7f, 0f);
  }

  /** AdamW with Keras's defaults. */
  public static AdamW adamw() {
    return new AdamW();
  }

  /** SGD with Keras's default lr 0.01. */
  public static Sgd sgd() {
    return new Sgd();
  }

  /** SGD with a learning rate, momentum and optional Nesterov momentum. */
  public static Sgd sgd(double learningRate, double momentum, boolean nesterov) {
    return new Sgd((float) learningRate, (float) momentum, nesterov);
  }

  /** RMSprop with Keras's defaults. */
  public static RmsProp rmsprop() {
    return new RmsProp();
  }

  /** Adagrad with Keras's defaults. */
  public static Adagrad adagrad() {
    return new Adagrad();
  }

  // ---- losses and metrics ----

  /** Binary cross-entropy on probabilities. */
  public static Loss binaryCrossentropy() {
    return Loss.binaryCrossentropy(false);
  }

  /** Categorical cross-entropy on probabilities. */
  public static Loss categoricalCrossentropy() {
    return Loss.categoricalCrossentropy(false);
  }

  /** Sparse categorical cross-entropy on probabilities. */
  public static Loss sparseCategoricalCrossentropy() {
    return Loss.sparseCategoricalCrossentropy(false);
  }

  /** Mean squared error. */
  public static Loss meanSquaredError() {
    return Loss.meanSquaredError();
  }

  /** Accuracy, resolved by the loss as Keras does. */
  public static Metric accuracy() {
    return Metrics.accuracy();
  }

  // ---- fit options and callbacks ----

  /** Fit options training for {@code n} epochs. */
  public static FitOptions epochs(int n) {
    return FitOptions.epochs(n);
  }

  /** Keras's {@code EarlyStopping(monitor, patience)}. */
  public static EarlyStopping earlyStopping(String monitor, int patience) {
    return new EarlyStopping(monitor, patience);
  }

  /** Keras's {@code ReduceLROnPlateau(monitor)} with its defaults (factor 0.1, patience 10). */
  public static ReduceLrOnPlateau reduceLrOnPlateau(String monitor) {
    return new ReduceLrOnPlateau(monitor);
  }

  /** Keras's {@code TerminateOnNaN()}: stops at a NaN loss and restores the epoch's weights. */
  public static TerminateOnNaN terminateOnNaN() {
    return new TerminateOnNaN();
  }

  /** Keras's {@code CSVLogger(filename)}: one CSV row of logs per epoch. */
  public static CsvLogger csvLogger(String filename) {
    return new CsvLogger(java.nio.file.Path.of(filename));
  }

  /** A lambda callback running {@code fn(epoch, logs)} after each epoch. */
  public static LambdaCallback onEpochEnd(
      java.util.function.BiConsumer<Integer, java.util.Map<String, Double>> fn) {
    return new LambdaCallback().onEpochEnd(fn);
  }

  /** A lambda callback running {@code fn(epoch)} before each epoch. */
  public static LambdaCallback onEpochBegin(java.util.function.IntConsumer fn) {
    return new LambdaCallback().onEpochBegin(fn);
  }

  /** A lambda callback running {@code fn(batch, logs)} after each batch. */
  public static LambdaCallback onBatchEnd(
      java.util.function.BiConsumer<Integer, java.util.Map<String, Double>> fn) {
    return new LambdaCallback().onBatchEnd(fn);
  }

  /** A lambda callback running {@code fn} before training. */
  public static LambdaCallback onTrainBegin(Runnable fn) {
    return new LambdaCallback().onTrainBegin(fn);
  }

  /** A lambda callback running {@code fn} after training. */
  public static LambdaCallback onTrainEnd(Runnable fn) {
    return new LambdaCallback().onTrainEnd(fn);
  }

  /** Keras's {@code ModelCheckpoint(filepath)}: saves the model after each epoch. */
  public static ModelCheckpoint modelCheckpoint(String path) {
    return new ModelCheckpoint(path);
  }

  /** Keras's {@code SimpleRNN(units)} (tanh; return_sequences, go_backwards, return_state). */
  public static SimpleRnn simpleRnn(int units) {
    return new SimpleRnn(units);
  }

  /** Keras's {@code Bidirectional(layer)} with {@code merge_mode="concat"}. */
  public static Bidirectional bidirectional(Recurrent layer) {
    return bidirectional(layer, "concat");
  }

  /** Keras's {@code Bidirectional(layer, merge_mode)}: concat, sum, mul or ave. */
  public static Bidirectional bidirectional(Recurrent layer, String mergeMode) {
    return new Bidirectional(layer, Bidirectional.MergeMode.of(mergeMode));
  }

  /** Keras's {@code RandomFlip(mode)}: horizontal, vertical or horizontal_and_vertical. */
  public static RandomFlip randomFlip(String mode) {
    return new RandomFlip(mode);
  }

  /** Keras's {@code RandomFlip()} (horizontal_and_vertical). */
  public static RandomFlip randomFlip() {
    return randomFlip("horizontal_and_vertical");
  }

  /** Keras's {@code RandomRotation(factor)}: angles in [-factor, factor] of a full turn. */
  public static RandomRotation randomRotation(double factor) {
    return new RandomRotation(factor);
  }

  /** Keras's {@code RandomZoom(height_factor, width_factor)}. */
  public static RandomZoom randomZoom(double heightFactor, double widthFactor) {
    return new RandomZoom(heightFactor, widthFactor);
  }

  /** Keras's {@code RandomZoom(height_factor)} (aspect ratio kept). */
  public static RandomZoom randomZoom(double heightFactor) {
    return new RandomZoom(heightFactor);
  }

  /** Keras's {@code RandomTranslation(height_factor, width_factor)}. */
  public static RandomTranslation randomTranslation(double heightFactor, double widthFactor) {
    return new RandomTranslation(heightFactor, widthFactor);
  }
}
