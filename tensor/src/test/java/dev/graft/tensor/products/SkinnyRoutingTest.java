package dev.graft.tensor.products;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.tensor.ChildJvm;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.blas.Blas;
import dev.graft.tensor.blas.CountingBlas;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which kernels a Dense product over a long input ({@link ProductVector#skinny}: few rows, a long
 * inner dimension) runs on before the Vector API kernels are compiled, in a fresh JVM whose warm-up
 * cannot finish (no C2): an unseeded batch takes BLAS, a single row and a seeded batch the
 * plain-Java twin (the vector kernels' bits, no BLAS call).
 */
class SkinnyRoutingTest {
  @Test
  void untilTheKernelsAreCompiledABatchTakesBlasAndOneRowOrASeededBatchTheTwin() throws Exception {
    String out =
        ChildJvm.run(
            List.of(
                "--add-modules",
                "jdk.incubator.vector",
                "-XX:TieredStopAtLevel=1",
                "-Dgraft.warmup=true"),
            Child.class);
    assertTrue(out.contains("unseeded batch: 1 BLAS call, right\n"), out);
    assertTrue(out.contains("one row: 0 BLAS calls, right\n"), out);
    assertTrue(out.contains("seeded batch: 0 BLAS calls, right\n"), out);
  }

  /** Counts the back-end's calls around each product. */
  public static final class Child {
    private Child() {}

    private static CountingBlas counting;

    /** Prints {@code <case>: <n> BLAS call(s), right|wrong} for three products. */
    public static void main(String[] args) {
      counting = new CountingBlas(Blas.current());
      Blas.use(counting);
      Rng rng = new Rng(3);
      Tensor batch = Tensor.rand(rng, 7, 1100);
      Tensor row = Tensor.rand(rng, 1, 1100);
      Tensor b = Tensor.rand(rng, 1100, 96);
      report("unseeded batch", batch, b);
      report("one row", row, b);
      Rng.seed(5);
      report("seeded batch", batch, b);
    }

    private static void report(String what, Tensor a, Tensor b) {
      counting.reset();
      float[] got = Gemm.matmul(a, b).array();
      int used = counting.calls();
      int m = a.shape().dim(0);
      boolean right = true;
      for (int i = 0; i < m && right; i++) {
        for (int j = 0; j < 96; j++) {
          double want = 0;
          for (int p = 0; p < 1100; p++) {
            want += (double) a.array()[i * 1100 + p] * b.array()[p * 96 + j];
          }
          right &= Math.abs(got[i * 96 + j] - want) <= 1e-3 + 1e-4 * Math.abs(want);
        }
      }
      System.out.println(
          what
              + ": "
              + used
              + (used == 1 ? " BLAS call, " : " BLAS calls, ")
              + (right ? "right" : "wrong"));
    }
  }
}
