package dev.graft.tensor;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.elementwise.Binary;
import dev.graft.tensor.elementwise.Unary;
import dev.graft.tensor.layout.Concat;
import dev.graft.tensor.layout.Gather;
import dev.graft.tensor.reduce.Reduce;
import dev.graft.tensor.reduce.Softmax;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/**
 * The element-wise, reduction, softmax, concat and gather kernels allocate nothing per call once
 * warm (small tensors, so the thread pool is not involved): the hot path of a training step.
 */
class KernelAllocationTest {
  private static final int CALLS = 200;

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

  private static long allocatedBytes() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getThreadAllocatedBytes(Thread.currentThread().getId());
  }

  /** Bytes allocated per call of {@code body}, after a warm-up, less the measuring overhead. */
  private static double bytesPerCall(Runnable body) {
    assumeOptimisingJit();
    for (int i = 0; i < 2000; i++) {
      body.run();
    }
    long before = allocatedBytes();
    long overhead = allocatedBytes() - before;
    before = allocatedBytes();
    for (int i = 0; i < CALLS; i++) {
      body.run();
    }
    return (allocatedBytes() - before - overhead) / (double) CALLS;
  }

  private static void assertNoAllocation(String what, Runnable body) {
    double b = bytesPerCall(body);
    // Less than one object per call on average: a kernel that allocated would show >= 16 bytes.
    assertTrue(b < 8, what + " allocates about " + b + " bytes per call");
  }

  @Test
  void kernelsDoNotAllocate() {
    Tensor x = TestTensors.random(1, 8, 6, 5);
    Tensor y = TestTensors.random(2, 8, 6, 5);
    Tensor col = TestTensors.random(3, 6, 1);
    Tensor row = TestTensors.random(4, 5);
    Tensor out = Tensor.zeros(8, 6, 5);
    Tensor out2 = Tensor.zeros(8, 6, 5);
    Tensor rowOut = Tensor.zeros(5);
    Tensor keep = Tensor.zeros(8, 1, 5);
    int[] middle = {1};
    int[] firstLast = {0, -1};
    Tensor fl = Tensor.zeros(6);
    assertNoAllocation("add equal", () -> Binary.add(x, y, out));
    assertNoAllocation("add bias", () -> Binary.add(x, row, out));
    assertNoAllocation("mul column", () -> Binary.mul(x, col, out));
    assertNoAllocation("pow column", () -> Binary.pow(col, x, out));
    assertNoAllocation("mulScalar", () -> Binary.mulScalar(x, 2f, out));
    assertNoAllocation("sigmoid", () -> Unary.sigmoid(x, out));
    assertNoAllocation("tanhGrad", () -> Unary.tanhGrad(x, y, out));
    assertNoAllocation("sumToShape", () -> Reduce.sumToShape(x, row.shape(), rowOut));
    assertNoAllocation("sum middle", () -> Reduce.sum(x, middle, true, keep));
    assertNoAllocation("mean first+last", () -> Reduce.mean(x, firstLast, false, fl));
    assertNoAllocation("max middle", () -> Reduce.max(x, middle, true, keep));
    assertNoAllocation("argmax", () -> Reduce.argmax(x, 1, true, keep));
    assertNoAllocation("softmax", () -> Softmax.softmax(x, 1, out));
    assertNoAllocation("logSoftmaxGrad", () -> Softmax.logSoftmaxGrad(x, y, out2));
    Tensor[] parts = {x.slice(0, 3), x.slice(3, 8)};
    assertNoAllocation("concat", () -> Concat.concat(parts, 0, out));
    Tensor[] splits = {Tensor.zeros(8, 6, 2), Tensor.zeros(8, 6, 3)};
    assertNoAllocation("split", () -> Concat.split(x, 2, splits));
    Tensor table = TestTensors.random(5, 10, 4);
    Tensor idx = Tensor.randint(new Rng(6), 0, 10, 3, 7);
    Tensor gathered = Tensor.zeros(3, 7, 4);
    Tensor tableGrad = Tensor.zeros(10, 4);
    assertNoAllocation("gather", () -> Gather.gather(table, idx, gathered));
    assertNoAllocation("scatterAdd", () -> Gather.scatterAdd(idx, gathered, tableGrad));
  }
}
