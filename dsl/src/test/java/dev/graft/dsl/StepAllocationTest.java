package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * docs/performance.md's "a training step through trainOnBatch allocates under 1 KB for each seed
 * model" for the three seed models of DESIGN.md (the merged image + text model, the subclassed
 * merge, the averaging ensemble), and that {@code predictOnBatch} allocates only its result for
 * them, at batch 1 (a single request) and 32. Measured with the thread's allocation counter after
 * an explicit warm-up, at batch 32. Skipped, saying why, where the count means nothing (no C2 JIT).
 * A {@code new float[1000]} per plan run fails every test here (4.3-5.1 KB per call).
 */
class StepAllocationTest {
  @BeforeEach
  void needsC2() {
    List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
    Assumptions.assumeFalse(
        args.stream()
            .anyMatch(
                a ->
                    a.equals("-Xint")
                        || a.matches("-XX:TieredStopAtLevel=[0-3]")
                        || a.startsWith("-javaagent")),
        "allocation counts need the C2 JIT after warm-up; this JVM runs with " + args);
  }

  /** Seed model 1: two functional models (CNN, LSTM) merged with concatenate and a new head. */
  static Model seedModelOne() {
    var inputImage = input(64, 64, 3);
    var x = flatten().on(maxPooling2d().on(conv2d(32, 3).activation("relu").on(inputImage)));
    Model modelImage = model(inputImage, dense(128).activation("relu").on(x));
    var inputText = input(100);
    var t = lstm(32).on(embedding(1000, 32).on(inputText));
    Model modelText = model(inputText, dense(128).activation("relu").on(t));
    var imageIn = input("image_input", 64, 64, 3);
    var textIn = input("text_input", 100);
    var merged = concatenate(modelImage.on(imageIn), modelText.on(textIn));
    return model(
        List.of(imageIn, textIn),
        dense(1).activation("sigmoid").on(dense(64).activation("relu").on(merged)));
  }

  /** Seed model 2: the subclassed merge of DESIGN.md, traced on first use. */
  static final class MergedModel extends Model {
    private final Model sequenceModel;
    private final Model featureExtractor;
    private final Layer hidden = dense(64).activation("relu");
    private final Layer out = dense(1).activation("sigmoid");

    MergedModel(Model sequenceModel, Model featureExtractor) {
      this.sequenceModel = sequenceModel;
      this.featureExtractor = featureExtractor;
    }

    @Override
    public SymbolicTensor call(List<SymbolicTensor> inputs) {
      var merged = concatenate(sequenceModel.on(inputs.get(0)), featureExtractor.on(inputs.get(1)));
      return out.on(hidden.on(merged));
    }
  }

  /** Seed model 2 with its two functional blocks. */
  static Model seedModelTwo() {
    var seqIn = input(200);
    Model sequenceModel =
        model(seqIn, dense(128).activation("relu").on(lstm(64).on(embedding(1000, 64).on(seqIn))));
    var featIn = input(10);
    Model featureExtractor = model(featIn, dense(128).activation("relu").on(featIn));
    return new MergedModel(sequenceModel, featureExtractor);
  }

  /** Seed model 3: two Sequential CNNs averaged. */
  static Model seedModelThree() {
    var in = input("input_data", 32, 32, 3);
    Model a =
        sequential(
            conv2d(32, 3).activation("relu").inputShape(32, 32, 3),
            maxPooling2d(),
            flatten(),
            dense(1).activation("sigmoid"));
    Model b =
        sequential(
            conv2d(64, 3).activation("relu").inputShape(32, 32, 3),
            maxPooling2d(),
            flatten(),
            dense(1).activation("sigmoid"));
    return model(in, average(a.on(in), b.on(in)));
  }

  private static List<Tensor> inputs(int seedModel, Rng rng) {
    return switch (seedModel) {
      case 1 -> List.of(Tensor.rand(rng, 32, 64, 64, 3), Tensor.randint(rng, 0, 1000, 32, 100));
      case 2 -> List.of(Tensor.randint(rng, 0, 1000, 32, 200), Tensor.rand(rng, 32, 10));
      default -> List.of(Tensor.rand(rng, 32, 32, 32, 3));
    };
  }

  private static Model compiled(int seedModel) {
    Graft.seed(1);
    Model m =
        switch (seedModel) {
          case 1 -> seedModelOne();
          case 2 -> seedModelTwo();
          default -> seedModelThree();
        };
    m.compile(adam(), "binary_crossentropy", "accuracy");
    return m;
  }

  /**
   * The least, over five rounds of {@code perRound} calls, of the bytes one call allocates, after
   * {@code warmUp} calls (a JIT event or a first-use class load may allocate in one round).
   */
  private static long bytesPerCall(Runnable call, int warmUp, int perRound) {
    for (int i = 0; i < warmUp; i++) {
      call.run();
    }
    com.sun.management.ThreadMXBean bean =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    long best = Long.MAX_VALUE;
    for (int round = 0; round < 5; round++) {
      long before = bean.getThreadAllocatedBytes(tid);
      for (int i = 0; i < perRound; i++) {
        call.run();
      }
      best = Math.min(best, (bean.getThreadAllocatedBytes(tid) - before) / perRound);
    }
    return best;
  }

  private static void trainStepUnderOneKilobyte(int seedModel, int warmUp, int perRound) {
    Model m = compiled(seedModel);
    Rng rng = new Rng(3);
    List<Tensor> xs = inputs(seedModel, rng);
    List<Tensor> ys = List.of(Tensor.randint(rng, 0, 2, 32, 1));
    long best = bytesPerCall(() -> m.trainOnBatch(xs, ys), warmUp, perRound);
    System.out.println("seed model " + seedModel + ": trainOnBatch allocates " + best + " B/step");
    assertTrue(best < 1024, "seed model " + seedModel + ": trainOnBatch allocated " + best + " B");
  }

  /** Where results are kept, so that the JIT cannot drop the allocations measured. */
  private static volatile Object sink;

  /**
   * predictOnBatch at batch 1 (a single request) and 32 allocates what making its result list
   * allocates, measured the same way: the list and a tensor per output, {@code Tensor.zeros} of the
   * output's shape at that batch, as the predictor makes them (168 B for one output at batch 1 on a
   * 64-bit JVM with compressed pointers). 32 B of slack cover one small array the JIT may leave in
   * one place and scalar-replace in the other; a kernel's loop body or shape check made per call is
   * 40 B or more each, and a prediction makes several.
   */
  private static void predictAllocatesOnlyItsResult(int seedModel, int warmUp, int perRound) {
    Model m = compiled(seedModel);
    for (int batch : new int[] {1, 32}) {
      List<Tensor> xs = new ArrayList<>();
      for (Tensor t : inputs(seedModel, new Rng(3))) {
        xs.add(t.slice(0, batch).copy());
      }
      List<Shape> shapes = new ArrayList<>();
      for (Tensor out : m.predictOnBatch(xs)) {
        shapes.add(out.shape());
      }
      long result =
          bytesPerCall(
              () -> {
                List<Tensor> r = new ArrayList<>(shapes.size());
                for (Shape s : shapes) {
                  r.add(Tensor.zeros(s.withBatch(batch)));
                }
                sink = r;
              },
              warmUp,
              perRound);
      long best = bytesPerCall(() -> sink = m.predictOnBatch(xs), warmUp, perRound);
      System.out.println(
          "seed model "
              + seedModel
              + ": predictOnBatch at batch "
              + batch
              + " allocates "
              + best
              + " B, its result "
              + result
              + " B");
      assertTrue(
          best <= result + 32,
          "seed model "
              + seedModel
              + ": predictOnBatch at batch "
              + batch
              + " allocated "
              + best
              + " B per call; its result takes "
              + result
              + " B");
    }
  }

  // Warm-up steps: until the JIT has compiled the vector kernels, a step allocates their vectors.
  // In about a third of the suite's JVMs, model 2 allocated 13.9 MB a step and model 1 12.2 MB,
  // in every round: C2 had compiled the kernels with their vector operations on the Java fallback,
  // poisoned by class-check traps in the JDK's operator lookup (see vector/OperatorProfiles, which
  // now prevents them: 0 of 14 runs since, 3 of 12 before). 60 warm-up steps and five rounds.

  @Test
  void trainOnBatchOfSeedModelOneAllocatesUnderOneKilobyte() {
    trainStepUnderOneKilobyte(1, 60, 4);
  }

  @Test
  void trainOnBatchOfSeedModelTwoAllocatesUnderOneKilobyte() {
    trainStepUnderOneKilobyte(2, 60, 3);
  }

  @Test
  void trainOnBatchOfSeedModelThreeAllocatesUnderOneKilobyte() {
    trainStepUnderOneKilobyte(3, 40, 10);
  }

  @Test
  void predictOnBatchOfSeedModelOneAllocatesOnlyItsResult() {
    predictAllocatesOnlyItsResult(1, 40, 10);
  }

  @Test
  void predictOnBatchOfSeedModelTwoAllocatesOnlyItsResult() {
    predictAllocatesOnlyItsResult(2, 25, 5);
  }

  @Test
  void predictOnBatchOfSeedModelThreeAllocatesOnlyItsResult() {
    predictAllocatesOnlyItsResult(3, 60, 20);
  }
}
