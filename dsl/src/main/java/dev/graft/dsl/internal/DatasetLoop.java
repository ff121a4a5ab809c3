package dev.graft.dsl.internal;

import dev.graft.dsl.FitOptions;
import dev.graft.dsl.History;
import dev.graft.dsl.Model;
import dev.graft.dsl.data.DataException;
import dev.graft.dsl.data.DataIterator;
import dev.graft.dsl.data.Dataset;
import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code fit}, {@code evaluate} and {@code predict} fed by a {@link Dataset} of batches, Keras's
 * loops over a {@code tf.data.Dataset}: each batch holds the model's inputs, then its targets, then
 * (if any) one loss weight per sample, Keras's {@code (x, y, sample_weight)} elements. The steps
 * themselves are the {@link Trainer}'s; this class reads the data, keeps the epoch's sums, drives
 * the progress bar and the callbacks, and closes the dataset's threads whatever happens.
 */
public final class DatasetLoop {
  private DatasetLoop() {}

  /** One batch split into the model's inputs, targets and sample weights (or null). */
  private record Batch(List<Tensor> x, List<Tensor> y, Tensor weights, int size) {
    /**
     * The loss weight of each sample: the batch's own times {@code classWeight}'s for its label;
     * null when neither is given.
     */
    Tensor lossWeights(Map<Integer, Float> classWeight, int index) {
      if (classWeight == null) {
        return weights == null ? null : SampleWeights.of(weights, null, y.get(0), size);
      }
      if (weights != null) {
        throw new IllegalArgumentException(
            "fit: batch "
                + index
                + " holds sample weights and classWeight is given: Keras refuses both at once;"
                + " multiply the class weights into the sample weights");
      }
      if (y.size() != 1) {
        throw new IllegalArgumentException(
            "fit: classWeight is only supported for models with a single output (as in Keras);"
                + " this one has "
                + y.size()
                + ": give sample weights in the dataset instead");
      }
      return SampleWeights.of(null, classWeight, y.get(0), size);
    }
  }

  /**
   * Keras's {@code fit(dataset)}. Without {@code stepsPerEpoch} each epoch is one pass over the
   * dataset (its length learnt in the first); with it, one reading goes on across epochs and
   * training stops, as in Keras, if it runs out. A failure leaves the weights as they were before.
   *
   * @param trace builds a subclassed model's graph from the first batch's inputs
   * @param model the model trained
   * @param trainer the model's compiled training set-up
   * @param data batches of inputs, then targets, then optionally sample weights
   * @param o the fit's options
   * @return the losses and metrics of each epoch
   */
  public static History fit(
      Model model, Trainer trainer, Dataset<?> data, FitOptions o, Consumer<List<Tensor>> trace) {
    refuseTensorOptions(o);
    Integer stepsOption = o.stepsPerEpoch();
    long card = data.cardinality();
    if (card == Dataset.INFINITE && stepsOption == null) {
      throw new IllegalArgumentException(
          "fit: the dataset is infinite (made with repeat()); give stepsPerEpoch(n)");
    }
    EpochLoop loop = new EpochLoop(model, trainer);
    return loop.fit(
        o,
        new EpochLoop.Steps() {
          private int steps = stepsOption != null ? stepsOption : card >= 0 ? (int) card : -1;
          private List<Tensor> before = model.hasGraph() ? model.getWeights() : null;
          // with stepsPerEpoch, one reading goes on across epochs, as in Keras
          private DataIterator<?> it;
          private int epoch;
          private int size;

          @Override
          public int epochBegin(int epoch) {
            this.epoch = epoch;
            if (stepsOption == null || it == null) {
              it = data.iterator();
            }
            return steps;
          }

          @Override
          public double[] step(int s) {
            if (stepsOption != null && s >= stepsOption) {
              return null;
            }
            if (Thread.currentThread().isInterrupted()) {
              throw new IllegalStateException(
                  "fit: interrupted at step " + s + " of epoch " + (epoch + 1));
            }
            if (!it.hasNext()) {
              return null;
            }
            Batch b = split(model, it.next(), s, true);
            if (!model.hasGraph()) {
              trace.accept(b.x());
              before = model.getWeights();
              loop.run().startEpoch(before);
            }
            size = b.size();
            return trainer.fitBatch(b.x(), b.y(), b.lossWeights(o.classWeight(), s));
          }

          @Override
          public int batchSize() {
            return size;
          }

          @Override
          public void epochEnd(int epoch, int s, int seen) {
            if (seen == 0) {
              throw new DataException(
                  "fit: the dataset gave no batches in epoch "
                      + (epoch + 1)
                      + (stepsOption != null ? " (it ran out; read it with repeat())" : ""));
            }
            if (stepsOption != null && s < stepsOption && !loop.run().stopRequested()) {
              System.err.println(
                  "Your input ran out of data; interrupting training. Make sure that your dataset"
                      + " can generate at least stepsPerEpoch * epochs batches (use repeat()).");
              loop.run().stopTraining();
            }
            if (steps < 0) {
              steps = s; // learnt in the first epoch, as Keras's progress bar does
            }
            if (stepsOption == null) {
              it.close();
              it = null;
            }
          }

          @Override
          public void validate(Map<String, Double> logs) {
            DatasetLoop.validate(model, trainer, o, trace, logs);
          }

          @Override
          public void finish() {
            if (it != null) {
              it.close();
            }
          }

          @Override
          public void failed(Throwable e) {
            if (it != null) {
              closeQuietly(it, e);
            }
            if (before != null) {
              model.setWeights(before); // a failure leaves the weights as they were
            }
          }
        });
  }

  private static void closeQuietly(DataIterator<?> it, Throwable e) {
    try {
      it.close();
    } catch (RuntimeException suppressed) {
      e.addSuppressed(suppressed);
    }
  }

  private static void refuseTensorOptions(FitOptions o) {
    if (o.validationSplit() > 0) {
      throw new IllegalArgumentException(
          "fit: validation_split is only supported for tensors, not a Dataset; split it with"
              + " take(n)/skip(n) and pass validationData(dataset)");
    }
    if (o.sampleWeight() != null) {
      throw new IllegalArgumentException(
          "fit: the sampleWeight option is not supported with a Dataset (as in Keras); give the"
              + " weights as each batch's last tensor, after the targets: (x, y, sample_weight)");
    }
  }

  private static void validate(
      Model model,
      Trainer trainer,
      FitOptions o,
      Consumer<List<Tensor>> trace,
      Map<String, Double> logs) {
    double[] v;
    if (o.validationDataset() != null) {
      v = evaluate(model, trainer, o.validationDataset(), o.validationSteps(), trace);
    } else if (o.validationX() != null) {
      v =
          trainer.evaluate(
              model.encodeInputs(o.validationX().toArray()), o.validationY(), o.batchSize());
    } else {
      return;
    }
    EpochLoop.addValidation(trainer, v, logs);
  }

  /**
   * Keras's {@code evaluate(dataset)}: the loss and metrics over every batch (or the first {@code
   * steps}).
   *
   * @param model the model evaluated
   * @param trainer the model's compiled training set-up
   * @param data batches of inputs, then targets
   * @param steps the number of batches, or {@code null} for all
   * @param trace receives each batch read (for tests), or {@code null}
   * @return the mean loss, then each metric
   */
  public static double[] evaluate(
      Model model, Trainer trainer, Dataset<?> data, Integer steps, Consumer<List<Tensor>> trace) {
    if (data.cardinality() == Dataset.INFINITE && steps == null) {
      throw new IllegalArgumentException(
          "evaluate: the dataset is infinite (made with repeat()); give a number of steps");
    }
    int seen = 0;
    try (Trainer.Evaluator ev = trainer.evaluator();
        DataIterator<?> it = data.iterator()) {
      for (int s = 0; (steps == null || s < steps) && it.hasNext(); s++) {
        Batch b = split(model, it.next(), s, true);
        if (!model.hasGraph()) {
          trace.accept(b.x());
        }
        seen += ev.batch(b.x(), b.y(), b.lossWeights(null, s));
      }
      if (seen == 0) {
        throw new DataException("evaluate: the dataset gave no batches");
      }
      return ev.result();
    }
  }

  /**
   * Keras's {@code predict(dataset)}: every output for every batch, concatenated along the batch
   * axis. A batch may hold targets after the inputs; they are ignored.
   *
   * @param model the model
   * @param data batches of inputs (targets after them are ignored)
   * @param steps the number of batches, or {@code null} for all
   * @return one tensor per output, the batches' rows in order
   */
  public static List<Tensor> predict(Model model, Dataset<?> data, Integer steps) {
    if (data.cardinality() == Dataset.INFINITE && steps == null) {
      throw new IllegalArgumentException(
          "predict: the dataset is infinite (made with repeat()); give a number of steps");
    }
    List<List<Tensor>> parts = new ArrayList<>();
    try (DataIterator<?> it = data.iterator()) {
      for (int s = 0; (steps == null || s < steps) && it.hasNext(); s++) {
        Batch b = split(model, it.next(), s, false);
        List<Tensor> out = model.predict(b.x(), Math.max(1, b.size()));
        for (int k = 0; k < out.size(); k++) {
          if (parts.size() <= k) {
            parts.add(new ArrayList<>());
          }
          parts.get(k).add(out.get(k));
        }
      }
    }
    if (parts.isEmpty()) {
      throw new DataException("predict: the dataset gave no batches");
    }
    List<Tensor> result = new ArrayList<>();
    for (List<Tensor> p : parts) {
      result.add(concat(p));
    }
    return result;
  }

  private static Tensor concat(List<Tensor> ts) {
    int rows = 0;
    for (Tensor t : ts) {
      rows += t.shape().dim(0);
    }
    Tensor out = Tensor.zeros(ts.get(0).shape().withDim(0, rows));
    int at = 0;
    for (Tensor t : ts) {
      t.copyTo(out.array(), at);
      at += t.size();
    }
    return out;
  }

  /**
   * A batch as inputs, targets and sample weights: a list or array of tensors, the model's inputs
   * first, then (with {@code targets}) its targets and optionally one weight per sample (a lone
   * tensor is the single input, for {@code predict}, which ignores what follows the inputs).
   */
  private static Batch split(Model model, Object batch, int index, boolean targets) {
    List<Tensor> all = new ArrayList<>();
    if (batch instanceof Tensor t) {
      all.add(t);
    } else if (batch instanceof Tensor[] a) {
      all.addAll(List.of(a));
    } else if (batch instanceof List<?> l) {
      for (Object o : l) {
        if (!(o instanceof Tensor t)) {
          throw new DataException(
              "batch "
                  + index
                  + " holds a "
                  + (o == null ? "null" : o.getClass().getSimpleName())
                  + "; batches must hold tensors: map strings to tensors first"
                  + " (for example with a TextVectorization)");
        }
        all.add(t);
      }
    } else {
      throw new DataException(
          "batch "
              + index
              + " is a "
              + batch.getClass().getSimpleName()
              + "; the model needs a Tensor, a List<Tensor> or a Tensor[] per batch (inputs, then"
              + " targets): batch tensor elements with batch(n), or map batches to tensors");
    }
    int nIn = model.hasGraph() ? model.inputs().size() : Math.max(1, all.size() - 1);
    int nOut = model.hasGraph() ? model.outputs().size() : 1;
    int want = targets ? nIn + nOut : nIn;
    boolean weighted = targets && all.size() == want + 1;
    if (targets ? all.size() != want && !weighted : all.size() < want) {
      throw new DataException(
          "batch "
              + index
              + " holds "
              + all.size()
              + " tensor(s); the model needs its "
              + nIn
              + " input(s)"
              + (targets
                  ? " then its "
                      + nOut
                      + " target(s): "
                      + want
                      + " tensors, or "
                      + (want + 1)
                      + " with sample weights last"
                  : ""));
    }
    int size = all.get(0).rank() == 0 ? 0 : all.get(0).shape().dim(0);
    Tensor weights = weighted ? all.get(want) : null;
    if (weights != null && (weights.rank() == 0 || weights.size() != size)) {
      throw new DataException(
          "batch "
              + index
              + ": its sample weights have shape "
              + weights.shape()
              + ", not one weight per sample for its "
              + size
              + " samples: ("
              + size
              + ") or ("
              + size
              + ", 1)");
    }
    return new Batch(all.subList(0, nIn), all.subList(nIn, targets ? want : nIn), weights, size);
  }
}
