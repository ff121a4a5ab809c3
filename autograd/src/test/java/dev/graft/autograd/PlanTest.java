package dev.graft.autograd;

import static dev.graft.tensor.Shape.UNKNOWN;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.autograd.ops.Add;
import dev.graft.autograd.ops.Conv2D;
import dev.graft.autograd.ops.Loss;
import dev.graft.autograd.ops.MatMul;
import dev.graft.autograd.ops.Mul;
import dev.graft.autograd.ops.Pool;
import dev.graft.autograd.ops.Reduction;
import dev.graft.autograd.ops.Relu;
import dev.graft.autograd.ops.Reshape;
import dev.graft.autograd.ops.Scale;
import dev.graft.autograd.ops.Sigmoid;
import dev.graft.autograd.ops.Square;
import dev.graft.autograd.optim.Adam;
import dev.graft.autograd.optim.Optimizer;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.conv.Conv2d;
import dev.graft.tensor.conv.ConvGeometry;
import dev.graft.tensor.conv.ConvGeometry.Padding;
import dev.graft.tensor.conv.ConvPool;
import dev.graft.tensor.conv.Pool2d;
import dev.graft.tensor.reduce.Losses;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PlanTest {
  /** A 10-layer MLP with a BCE loss and Adam updates, built directly in IR. */
  static final class Mlp {
    final Graph g = new Graph();
    final Node x = g.placeholder("x", Shape.batched(16));
    final Node y = g.placeholder("y", Shape.batched(1));
    final List<Variable> vars = new ArrayList<>();
    final Node prediction;
    final Node loss;
    final Program train;
    final Optimizer adam = new Adam(0.01f, 0.9f, 0.999f, 1e-7f, 0f);

    Mlp(int layers, int width) {
      Rng rng = new Rng(1);
      Node h = x;
      int in = 16;
      for (int l = 0; l < layers; l++) {
        int out = l == layers - 1 ? 1 : width;
        float lim = (float) Math.sqrt(6.0 / (in + out));
        Variable w = new Variable("w" + l, Tensor.uniform(rng, -lim, lim, in, out), true);
        Variable b = new Variable("b" + l, Tensor.zeros(out), true);
        vars.add(w);
        vars.add(b);
        h = Add.of(MatMul.of(h, g.read(w)), g.read(b));
        h = l == layers - 1 ? Sigmoid.of(h) : Relu.of(h);
        in = out;
      }
      prediction = h;
      loss = Reduction.mean(Loss.of(Losses.Kind.BINARY_CROSSENTROPY, prediction, y), false);
      Map<Variable, Node> grads = Gradients.of(loss, vars);
      train = new Program(List.of(loss), adam.updates(grads));
    }

    float step(Plan plan) {
      adam.beginStep();
      plan.run(true);
      return plan.output(0).item();
    }
  }

  /** Points inside vs outside a sphere: learnable, not linearly separable. */
  static void fill(Plan plan, long seed) {
    Rng rng = new Rng(seed);
    Tensor x = plan.input("x");
    Tensor y = plan.input("y");
    int n = plan.batch();
    for (int i = 0; i < n; i++) {
      double r2 = 0;
      for (int j = 0; j < 16; j++) {
        float v = rng.uniform(-1f, 1f);
        x.set(v, i, j);
        r2 += v * v;
      }
      y.set(r2 < 16 / 3.0 ? 1f : 0f, i, 0);
    }
  }

  @Test
  void mlpLearns() {
    Mlp m = new Mlp(3, 32);
    Plan plan = m.train.plan(64);
    fill(plan, 0);
    float first = m.step(plan);
    float last = first;
    for (int s = 1; s < 300; s++) {
      fill(plan, s % 20);
      last = m.step(plan);
    }
    assertTrue(first > 0.6f, "initial loss " + first);
    assertTrue(last < 0.35f, "loss fell only from " + first + " to " + last);
  }

  @Test
  void memoryPlanSharesBuffers() {
    Mlp m = new Mlp(10, 64);
    Plan plan = m.train.plan(32);
    assertTrue(
        plan.plannedBytes() < plan.unsharedBytes(),
        "planned " + plan.plannedBytes() + " B vs unshared " + plan.unsharedBytes() + " B");
    assertTrue(plan.opList().size() > 40, plan.toString());
  }

  /**
   * Allocation counts hold only under C2, whose escape analysis removes a kernel's temporary
   * objects once the warm-up has compiled it: under {@code -Xint}, C1 alone or an instrumenting
   * agent (a coverage tool) the check is skipped, saying why.
   */
  static void assumeOptimisingJit() {
    java.util.List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
    boolean noC2 =
        ManagementFactory.getCompilationMXBean() == null
            || args.stream()
                .anyMatch(
                    a ->
                        a.equals("-Xint")
                            || a.matches("-XX:TieredStopAtLevel=[0-3]")
                            || a.startsWith("-javaagent"));
    org.junit.jupiter.api.Assumptions.assumeFalse(
        noC2,
        "allocation checks need the C2 JIT after warm-up; this JVM runs with "
            + args
            + ": skipped");
  }

  @Test
  void trainingStepAllocatesAlmostNothing() {
    assumeOptimisingJit();
    Mlp m = new Mlp(10, 64);
    Plan plan = m.train.plan(32);
    fill(plan, 1);
    for (int i = 0; i < 50; i++) {
      m.step(plan);
    }
    com.sun.management.ThreadMXBean bean =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    long before = bean.getThreadAllocatedBytes(tid);
    int steps = 20;
    for (int i = 0; i < steps; i++) {
      m.step(plan);
    }
    long perStep = (bean.getThreadAllocatedBytes(tid) - before) / steps;
    assertTrue(perStep < 1024, "allocated " + perStep + " bytes per training step");
  }

  /**
   * {@code run(training, lock)} computes what {@code run(training)} computes, takes the lock once
   * per step (around the optimizer updates, which run last) and releases it, and allocates nothing.
   */
  @Test
  void runHoldingALockAroundTheUpdatesComputesTheSameAndAllocatesNothing() {
    Rng.seed(3); // products dispatched by shape: the two models' numbers comparable bit for bit
    Mlp plain = new Mlp(4, 32);
    Mlp locked = new Mlp(4, 32);
    Plan p1 = plain.train.plan(32);
    Plan p2 = locked.train.plan(32);
    java.util.concurrent.locks.ReentrantLock lock = new java.util.concurrent.locks.ReentrantLock();
    int[] taken = {0};
    java.util.concurrent.locks.Lock counting =
        new java.util.concurrent.locks.ReentrantLock() {
          @Override
          public void lock() {
            taken[0]++;
            lock.lock();
          }

          @Override
          public void unlock() {
            lock.unlock();
          }
        };
    for (int s = 0; s < 60; s++) {
      fill(p1, s % 7);
      fill(p2, s % 7);
      plain.adam.beginStep();
      p1.run(true);
      locked.adam.beginStep();
      p2.run(true, counting);
      assertEquals(p1.output(0).item(), p2.output(0).item(), "step " + s);
      assertFalse(lock.isLocked(), "released after the step");
    }
    assertEquals(60, taken[0]);
    for (int i = 0; i < plain.vars.size(); i++) {
      assertArrayEquals(
          plain.vars.get(i).value().toArray(), locked.vars.get(i).value().toArray(), "var " + i);
    }
    assumeOptimisingJit(); // the checks above hold under any JIT; the count needs C2
    com.sun.management.ThreadMXBean bean =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    long before = bean.getThreadAllocatedBytes(tid);
    for (int s = 0; s < 20; s++) {
      locked.adam.beginStep();
      p2.run(true, counting);
    }
    long perStep = (bean.getThreadAllocatedBytes(tid) - before) / 20;
    assertTrue(perStep < 64, "allocated " + perStep + " bytes per locked step");
  }

  @Test
  void aReshapeSharesTheBufferOfAnInputThatIsStillReadAndNothingOverwritesIt() {
    Graph g = new Graph();
    Node x = g.placeholder("x", Shape.of(UNKNOWN, 4, 5));
    Node relu = Relu.of(x);
    Node flat = Reshape.of(relu, Shape.of(UNKNOWN, 20));
    // Would run in place on the shared buffer if only the reshape's own readers counted.
    Node scaled = Scale.of(flat, -3f);
    Node squares = Mul.of(relu, relu); // reads the reshape's input after the reshape
    Plan p = new Program(List.of(scaled, squares)).plan(3);
    assertSame(p.valueOf(relu).array(), p.valueOf(flat).array(), p.toString());
    assertNotSame(p.valueOf(flat).array(), p.output(0).array(), p.toString());
    Tensor in = Tensor.uniform(new Rng(9), -1f, 1f, 3, 4, 5);
    p.input("x").copyFrom(in);
    p.run(false);
    for (int i = 0; i < in.size(); i++) {
      float r = Math.max(0f, in.getFlat(i));
      assertEquals(-3f * r, p.output(0).getFlat(i), "scaled " + i);
      assertEquals(r * r, p.output(1).getFlat(i), "squared " + i);
    }
  }

  @Test
  void plansAreCachedPerBatchSize() {
    Mlp m = new Mlp(2, 8);
    assertSame(m.train.plan(4), m.train.plan(4));
    assertNotSame(m.train.plan(4), m.train.plan(5));
    assertEquals(5, m.train.plan(5).input("x").shape().dim(0));
  }

  @Test
  void deadNodesAreNotRun() {
    Graph g = new Graph();
    Node x = g.placeholder("x", Shape.batched(3));
    Node used = Relu.of(x);
    Sigmoid.of(x); // never requested
    Plan p = new Program(List.of(used)).plan(2);
    assertEquals(1, p.opList().size(), p.opList().toString());
  }

  @Test
  void maxPoolOfReluRunsTheReluOnThePooledTensor() {
    Graph g = new Graph();
    Node x = g.placeholder("x", Shape.of(UNKNOWN, 6, 5, 3));
    Node pooled =
        Pool.of(Pool.Kind.MAX, Relu.of(x), new int[] {2, 2}, new int[] {2, 2}, Padding.SAME);
    assertTrue(pooled.op() instanceof Relu, pooled.toString());
    assertTrue(pooled.input(0).op() instanceof Pool, pooled.input(0).toString());
    Plan p = new Program(List.of(pooled)).plan(2);
    assertEquals(2, p.opList().size(), p.opList().toString()); // the unpooled ReLU is dead
    Tensor in = Tensor.uniform(new Rng(5), -1f, 1f, 2, 6, 5, 3);
    p.input("x").copyFrom(in);
    p.run(false);
    Tensor relu = in.copy();
    for (int i = 0; i < relu.size(); i++) {
      relu.setFlat(i, Math.max(0f, relu.getFlat(i)));
    }
    ConvGeometry geometry = Pool2d.geometry(relu.shape(), 2, 2, 2, 2, Padding.SAME);
    Tensor want = Pool2d.maxForward(relu, geometry, Tensor.zeros(2, 3, 3, 3), null);
    assertTrue(want.allClose(p.output(0), 0, 0), p.output(0) + " vs " + want);
  }

  /** A 3x3 'valid' convolution with bias over (N, 9, 8, 3) inputs, its variables and graph. */
  private record Pooled(
      Graph graph, Variable kernel, Variable bias, Node conv, ConvGeometry geometry) {
    static Pooled of(int filters) {
      Graph g = new Graph();
      Node x = g.placeholder("x", Shape.of(UNKNOWN, 9, 8, 3));
      Variable kernel =
          new Variable("k", Tensor.uniform(new Rng(2), -1f, 1f, 3, 3, 3, filters), true);
      Variable bias = new Variable("b", Tensor.uniform(new Rng(3), -1f, 1f, filters), true);
      Node conv =
          Conv2D.of(
              x, g.read(kernel), g.read(bias), new int[] {1, 1}, new int[] {1, 1}, Padding.VALID);
      return new Pooled(g, kernel, bias, conv, ConvGeometry.of(9, 8, 3, 3, 3, 1, Padding.VALID));
    }

    /** Two images for the placeholder. */
    Tensor input() {
      return Tensor.uniform(new Rng(4), -1f, 1f, 2, 9, 8, 3);
    }

    /** The convolution of {@link #input}, by the unfused kernel. */
    Tensor output() {
      return Conv2d.forward(input(), kernel.value(), bias.value(), geometry);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {5, 32}) // 32 filters take the Vector API kernels when the JVM has them
  void maxPoolOfAConvolutionRunsAsOneOpWithTheSameValuesAndGradients(int filters) {
    Pooled c = Pooled.of(filters);
    Graph g = c.graph();
    Variable kernel = c.kernel();
    Variable bias = c.bias();
    Node conv = c.conv();
    Node y = Pool.of(Pool.Kind.MAX, conv, new int[] {2, 2}, new int[] {2, 2}, Padding.VALID);
    ConvGeometry cg = c.geometry();
    boolean fused = ConvPool.supports(cg, filters);
    assertEquals(fused ? "conv2d_max_pool2d" : "max_pool2d", y.op().kind());
    Plan predict = new Program(List.of(y)).plan(2);
    assertEquals(fused ? 1 : 2, predict.opList().size(), predict.opList().toString());

    Tensor in = c.input();
    Tensor convOut = c.output();
    ConvGeometry pg = Pool2d.geometry(convOut.shape());
    Tensor want = Pool2d.maxForward(convOut, pg);
    predict.input("x").copyFrom(in);
    predict.run(false);
    assertTrue(want.allClose(predict.output(0), 1e-5f, 1e-6f), predict.output(0) + " vs " + want);

    Tensor seed = Tensor.uniform(new Rng(5), -1f, 1f, want.shape().toArray());
    Node loss = Reduction.sum(Mul.of(y, g.constant(seed)), false);
    Map<Variable, Node> grads = Gradients.of(loss, List.of(kernel, bias));
    Plan train = new Program(List.of(grads.get(kernel), grads.get(bias))).plan(2);
    train.input("x").copyFrom(in);
    train.run(true);
    Tensor dConv = Pool2d.maxBackward(convOut, seed, pg, Tensor.zeros(convOut.shape()));
    Tensor dk = Conv2d.backwardKernel(in, dConv, cg);
    Tensor db = Conv2d.backwardBias(dConv);
    assertTrue(dk.allClose(train.output(0), 1e-4f, 1e-5f), train.output(0) + " vs " + dk);
    assertTrue(db.allClose(train.output(1), 1e-4f, 1e-5f), train.output(1) + " vs " + db);
  }

  @ParameterizedTest
  @ValueSource(ints = {5, 32})
  void aReluBetweenAConvolutionAndItsMaxPoolJoinsTheFusedOpWithTheSameValuesAndGradients(
      int filters) {
    Pooled c = Pooled.of(filters);
    Graph g = c.graph();
    Variable kernel = c.kernel();
    Variable bias = c.bias();
    Node conv = c.conv();
    // As a Conv2D layer with activation="relu" and a MaxPooling2D layer build it.
    Node y =
        Pool.of(Pool.Kind.MAX, Relu.of(conv), new int[] {2, 2}, new int[] {2, 2}, Padding.VALID);
    ConvGeometry cg = c.geometry();
    boolean fused = ConvPool.supports(cg, filters);
    assertEquals(fused ? "conv2d_max_pool2d" : "relu", y.op().kind());
    Plan predict = new Program(List.of(y)).plan(2);
    assertEquals(fused ? 1 : 3, predict.opList().size(), predict.opList().toString());

    Tensor in = c.input();
    Tensor convOut = c.output();
    ConvGeometry pg = Pool2d.geometry(convOut.shape());
    Tensor pooled = Pool2d.maxForward(convOut, pg);
    Tensor want = pooled.copy();
    int clamped = 0;
    for (int i = 0; i < want.size(); i++) {
      clamped += want.getFlat(i) <= 0 ? 1 : 0;
      want.setFlat(i, Math.max(0f, want.getFlat(i)));
    }
    assertTrue(clamped > 0 && clamped < want.size(), clamped + " of " + want.size());
    predict.input("x").copyFrom(in);
    predict.run(false);
    assertTrue(want.allClose(predict.output(0), 1e-5f, 1e-6f), predict.output(0) + " vs " + want);

    Tensor seed = Tensor.uniform(new Rng(5), -1f, 1f, want.shape().toArray());
    // Flattened as a Flatten layer would: the reshape shares the fused op's buffer (whose
    // workspace holds the taps) while the ReLU's gradient still reads it.
    Node flat = Reshape.of(y, Shape.of(UNKNOWN, want.size() / 2));
    Tensor flatSeed = Tensor.wrap(seed.array(), 0, Shape.of(2, want.size() / 2));
    Node loss = Reduction.sum(Mul.of(flat, g.constant(flatSeed)), false);
    Map<Variable, Node> grads = Gradients.of(loss, List.of(kernel, bias));
    Plan train = new Program(List.of(grads.get(kernel), grads.get(bias), loss)).plan(2);
    assertSame(train.valueOf(y).array(), train.valueOf(flat).array(), train.toString());
    train.input("x").copyFrom(in);
    train.run(true);
    Tensor passed = seed.copy();
    for (int i = 0; i < passed.size(); i++) {
      passed.setFlat(i, pooled.getFlat(i) > 0 ? passed.getFlat(i) : 0f);
    }
    Tensor dConv = Pool2d.maxBackward(convOut, passed, pg, Tensor.zeros(convOut.shape()));
    Tensor dk = Conv2d.backwardKernel(in, dConv, cg);
    Tensor db = Conv2d.backwardBias(dConv);
    assertTrue(dk.allClose(train.output(0), 1e-4f, 1e-5f), train.output(0) + " vs " + dk);
    assertTrue(db.allClose(train.output(1), 1e-4f, 1e-5f), train.output(1) + " vs " + db);
  }

  @Test
  void stateForGradientsIsKeptOnlyWhenTheGradientRuns() {
    // Conv2D keeps its im2col matrix and max pooling its taps for their gradients: an inference
    // plan carries neither, a training plan both, and the gradient equals the one computed
    // without them (run(false) searches the taps again; the columns are exact copies of x).
    Graph g = new Graph();
    Node x = g.placeholder("x", Shape.of(UNKNOWN, 7, 6, 3));
    Variable kernel = new Variable("k", Tensor.uniform(new Rng(2), -1f, 1f, 3, 3, 3, 4), true);
    Variable bias = new Variable("b", Tensor.uniform(new Rng(3), -1f, 1f, 4), true);
    Node conv =
        Conv2D.of(
            x, g.read(kernel), g.read(bias), new int[] {1, 1}, new int[] {1, 1}, Padding.VALID);
    Node y = Pool.of(Pool.Kind.MAX, conv, new int[] {2, 2}, new int[] {2, 2}, Padding.SAME);
    Plan predict = new Program(List.of(y)).plan(2);
    // x (2,7,6,3), conv (2,5,4,4), pooled (2,3,2,4): nothing else.
    assertEquals((252 + 160 + 48) * Float.BYTES, predict.plannedBytes(), predict.toString());

    Node loss = Reduction.sum(Square.of(y), false);
    Node dk = Gradients.of(loss, List.of(kernel)).get(kernel);
    Plan train = new Program(List.of(y, dk)).plan(2);
    Shape columns =
        Conv2d.columnsShape(ConvGeometry.of(7, 6, 3, 3, 3, 1, Padding.VALID), 2, 4, true);
    long saved = 48 + (columns == null ? 0 : columns.size());
    assertTrue(
        train.plannedBytes() >= predict.plannedBytes() + saved * Float.BYTES, train.toString());
    Tensor in = Tensor.uniform(new Rng(4), -1f, 1f, 2, 7, 6, 3);
    train.input("x").copyFrom(in);
    train.run(true);
    Tensor kept = train.output(1).copy();
    train.run(false);
    assertTrue(kept.allClose(train.output(1), 1e-5f, 1e-6f), kept + " vs " + train.output(1));
    predict.input("x").copyFrom(in);
    predict.run(true);
    assertTrue(predict.output(0).allClose(train.output(0), 0, 0));
  }

  @Test
  void maxPoolGradientFromRecordedTapsEqualsTheSearchedOne() {
    // In training the backward pass reads the taps the forward pass recorded; otherwise it
    // searches x again. Both must give the same gradient, overlapping windows and padding too.
    Graph g = new Graph();
    Node x = g.placeholder("x", Shape.of(UNKNOWN, 7, 6, 3));
    for (int[] ps : new int[][] {{2, 2, 2, 2}, {3, 3, 2, 1}}) {
      Node y =
          Pool.of(
              Pool.Kind.MAX, x, new int[] {ps[0], ps[1]}, new int[] {ps[2], ps[3]}, Padding.SAME);
      Tensor seed = Tensor.uniform(new Rng(9), -1f, 1f, 2, y.shape().dim(1), y.shape().dim(2), 3);
      Node dx = Gradients.of(List.of(y), List.of(g.constant(seed)), List.of(x)).get(0);
      Plan p = new Program(List.of(dx)).plan(2);
      p.input("x").copyFrom(Tensor.uniform(new Rng(4), -1f, 1f, 2, 7, 6, 3));
      p.run(true);
      Tensor trained = p.output(0).copy();
      p.run(false);
      assertTrue(trained.allClose(p.output(0), 0, 0), "pool " + java.util.Arrays.toString(ps));
    }
  }

  @Test
  void shapeErrorsNameBothShapes() {
    Graph g = new Graph();
    Node a = g.placeholder("a", Shape.batched(3));
    Node b = g.placeholder("b", Shape.batched(4));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Add.of(a, b));
    assertTrue(
        e.getMessage().contains("(None, 3)") && e.getMessage().contains("(None, 4)"),
        e.getMessage());
    Node w = g.constant(Tensor.zeros(5, 2));
    e = assertThrows(IllegalArgumentException.class, () -> MatMul.of(a, w));
    assertTrue(
        e.getMessage().contains("matmul") && e.getMessage().contains("(5, 2)"), e.getMessage());
  }

  @Test
  void unknownInputNameListsTheKnownOnes() {
    Mlp m = new Mlp(1, 4);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> m.train.plan(2).input("z"));
    assertTrue(e.getMessage().contains("[x, y]"), e.getMessage());
  }

  @Test
  void frozenVariablesGetNoGradientAndStayPut() {
    Mlp m = new Mlp(2, 8);
    Variable frozen = m.vars.get(0).trainable(false);
    Tensor before = frozen.value().copy();
    Map<Variable, Node> grads = Gradients.of(m.loss, m.vars);
    assertTrue(!grads.containsKey(frozen));
    Program p = new Program(List.of(m.loss), m.adam.updates(grads));
    Plan plan = p.plan(8);
    fill(plan, 3);
    for (int i = 0; i < 5; i++) {
      m.step(plan);
    }
    assertTrue(before.allClose(frozen.value(), 0, 0));
    assertTrue(!m.vars.get(2).value().allClose(new Mlp(2, 8).vars.get(2).value(), 0, 0));
  }
}
