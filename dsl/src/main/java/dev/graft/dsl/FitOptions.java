package dev.graft.dsl;

import dev.graft.dsl.internal.Arguments;
import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Options of {@link Model#fit}, built fluently: {@code
 * epochs(5).batchSize(64).validationSplit(0.2).callbacks(earlyStopping("val_loss", 3))}.
 */
public final class FitOptions {
  private int epochs = 1;
  private int batchSize = 32;
  private boolean shuffle = true;
  private Long seed;
  private double validationSplit;
  private List<Tensor> validationX;
  private List<Tensor> validationY;
  private int initialEpoch;
  private Tensor sampleWeight;
  private Map<Integer, Float> classWeight;
  private final List<Callback> callbacks = new ArrayList<>();
  private int verbose = -1;
  private Integer stepsPerEpoch;
  private Integer validationSteps;
  private dev.graft.dsl.data.Dataset<?> validationDataset;

  private FitOptions() {}

  /**
   * Options training for {@code n} epochs.
   *
   * @param n the number of epochs, at least 1
   * @return new options with Keras's other defaults
   * @throws IllegalArgumentException if {@code n < 1}
   */
  public static FitOptions epochs(int n) {
    return new FitOptions().withEpochs(n);
  }

  private FitOptions withEpochs(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("fit: epochs must be >= 1; Received: epochs=" + n);
    }
    this.epochs = n;
    return this;
  }

  /**
   * Samples per gradient step (default 32); returns this.
   *
   * @param n the batch size, at least 1
   * @return these options, for chaining
   */
  public FitOptions batchSize(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("fit: batch_size must be >= 1; Received: batch_size=" + n);
    }
    this.batchSize = n;
    return this;
  }

  /**
   * Whether to shuffle the training samples each epoch (default true); returns this.
   *
   * @param value false to keep the samples' order
   * @return these options, for chaining
   */
  public FitOptions shuffle(boolean value) {
    this.shuffle = value;
    return this;
  }

  /**
   * Seeds the shuffling (default: the global generator, see {@code Graft.seed}); returns this.
   *
   * @param value the seed
   * @return these options, for chaining
   */
  public FitOptions seed(long value) {
    this.seed = value;
    return this;
  }

  /**
   * Holds out the last {@code fraction} of the samples (before shuffling) for validation, as Keras
   * does; returns this.
   *
   * @param fraction the held-out fraction, in {@code [0, 1)}
   * @return these options, for chaining
   */
  public FitOptions validationSplit(double fraction) {
    if (!(fraction >= 0 && fraction < 1)) {
      throw new IllegalArgumentException(
          "fit: validation_split must be in [0, 1); Received: validation_split=" + fraction);
    }
    this.validationSplit = fraction;
    return this;
  }

  /**
   * Validates on this data after each epoch; returns this.
   *
   * @param x the validation inputs
   * @param y the validation targets
   * @return these options, for chaining
   */
  public FitOptions validationData(Tensor x, Tensor y) {
    return validationData(
        Arguments.one("validationData", "x", x), Arguments.one("validationData", "y", y));
  }

  /**
   * Validates on this data (several inputs or outputs) after each epoch; returns this.
   *
   * @param x one tensor per model input
   * @param y one tensor per model output
   * @return these options, for chaining
   */
  public FitOptions validationData(List<Tensor> x, List<Tensor> y) {
    this.validationX = List.copyOf(Arguments.elements("validationData", "x", x));
    this.validationY = List.copyOf(Arguments.elements("validationData", "y", y));
    return this;
  }

  /**
   * The epoch to start counting from, to resume training (default 0); returns this.
   *
   * @param epoch the first epoch's 0-based number
   * @return these options, for chaining
   */
  public FitOptions initialEpoch(int epoch) {
    if (epoch < 0) {
      throw new IllegalArgumentException("fit: initial_epoch must be >= 0; Received: " + epoch);
    }
    this.initialEpoch = epoch;
    return this;
  }

  /**
   * Weights each sample's loss ({@code (N,)}) when fitting tensors; returns this. A dataset carries
   * its weights instead, as each batch's last tensor (Keras's {@code (x, y, sample_weight)}).
   *
   * @param weights one weight per training sample
   * @return these options, for chaining
   */
  public FitOptions sampleWeight(Tensor weights) {
    this.sampleWeight = Arguments.notNull("sampleWeight", "weights", weights);
    return this;
  }

  /**
   * Weights each sample's loss by its class (integer labels, or the argmax of one-hot targets), for
   * tensors and datasets alike; returns this.
   *
   * @param weights each class index to the factor of its samples' loss
   * @return these options, for chaining
   */
  public FitOptions classWeight(Map<Integer, Float> weights) {
    this.classWeight = Map.copyOf(Arguments.notNull("classWeight", "weights", weights));
    return this;
  }

  /**
   * Adds callbacks; returns this.
   *
   * @param cbs the callbacks, run in order after the built-in ones
   * @return these options, for chaining
   */
  public FitOptions callbacks(Callback... cbs) {
    callbacks.addAll(Arguments.all("callbacks", "cbs", cbs));
    return this;
  }

  /**
   * 0 = silent, 1 = progress bar, 2 = one line per epoch; by default a bar on a terminal and one
   * line per epoch otherwise. Returns this.
   *
   * @param level 0, 1 or 2
   * @return these options, for chaining
   */
  public FitOptions verbose(int level) {
    if (level < 0 || level > 2) {
      throw new IllegalArgumentException("fit: verbose must be 0, 1 or 2; Received: " + level);
    }
    this.verbose = level;
    return this;
  }

  /**
   * The number of epochs.
   *
   * @return the number of epochs
   */
  public int epochs() {
    return epochs;
  }

  /**
   * The batch size.
   *
   * @return the samples per step
   */
  public int batchSize() {
    return batchSize;
  }

  /**
   * Whether samples are shuffled.
   *
   * @return true if samples are shuffled each epoch
   */
  public boolean shuffle() {
    return shuffle;
  }

  /**
   * The shuffle seed, or {@code null}.
   *
   * @return the seed, or {@code null} for the global generator
   */
  public Long seed() {
    return seed;
  }

  /**
   * The validation fraction.
   *
   * @return the fraction held out, 0 for none
   */
  public double validationSplit() {
    return validationSplit;
  }

  /**
   * Validation inputs, or {@code null}.
   *
   * @return one tensor per model input, or {@code null}
   */
  public List<Tensor> validationX() {
    return validationX;
  }

  /**
   * Validation targets, or {@code null}.
   *
   * @return one tensor per model output, or {@code null}
   */
  public List<Tensor> validationY() {
    return validationY;
  }

  /**
   * The first epoch.
   *
   * @return the 0-based first epoch
   */
  public int initialEpoch() {
    return initialEpoch;
  }

  /**
   * Per-sample weights, or {@code null}.
   *
   * @return the weights, or {@code null}
   */
  public Tensor sampleWeight() {
    return sampleWeight;
  }

  /**
   * Per-class weights, or {@code null}.
   *
   * @return the class weights, or {@code null}
   */
  public Map<Integer, Float> classWeight() {
    return classWeight;
  }

  /**
   * The callbacks.
   *
   * @return the callbacks, unmodifiable
   */
  public List<Callback> callbacks() {
    return List.copyOf(callbacks);
  }

  /**
   * The verbosity, or -1 for automatic.
   *
   * @return 0, 1 or 2, or -1
   */
  public int verbose() {
    return verbose;
  }

  /**
   * Steps (batches) per epoch when training on a {@code Dataset} (Keras's {@code steps_per_epoch}):
   * the dataset is then read on across epochs rather than restarted, and a dataset made with {@code
   * repeat()} never runs out; returns this.
   *
   * @param steps the batches per epoch, at least 1
   * @return these options, for chaining
   */
  public FitOptions stepsPerEpoch(int steps) {
    if (steps < 1) {
      throw new IllegalArgumentException(
          "fit: steps_per_epoch must be >= 1; Received: steps_per_epoch=" + steps);
    }
    this.stepsPerEpoch = steps;
    return this;
  }

  /**
   * Validates on a dataset of {@code (inputs..., targets...)} batches after each epoch.
   *
   * @param data the validation batches
   * @return these options, for chaining
   */
  public FitOptions validationData(dev.graft.dsl.data.Dataset<?> data) {
    this.validationDataset = Arguments.notNull("validationData", "data", data);
    return this;
  }

  /**
   * Batches of the validation dataset evaluated per epoch (default: all); returns this.
   *
   * @param steps the batches per validation, at least 1
   * @return these options, for chaining
   */
  public FitOptions validationSteps(int steps) {
    if (steps < 1) {
      throw new IllegalArgumentException(
          "fit: validation_steps must be >= 1; Received: validation_steps=" + steps);
    }
    this.validationSteps = steps;
    return this;
  }

  /**
   * Steps per epoch, or {@code null} for a whole pass over the dataset.
   *
   * @return the steps, or {@code null}
   */
  public Integer stepsPerEpoch() {
    return stepsPerEpoch;
  }

  /**
   * The validation dataset, or {@code null}.
   *
   * @return the dataset, or {@code null}
   */
  public dev.graft.dsl.data.Dataset<?> validationDataset() {
    return validationDataset;
  }

  /**
   * Validation steps, or {@code null} for the whole validation dataset.
   *
   * @return the steps, or {@code null}
   */
  public Integer validationSteps() {
    return validationSteps;
  }
}
