package dev.graft.tensor.recurrent;

import static dev.graft.tensor.TestTensors.assertBits;
import static dev.graft.tensor.TestTensors.random;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.tensor.support.JitWarmup;
import dev.graft.tensor.support.VectorSupport;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The plain-Java twin of the LSTM cell kernels ({@link ScalarRecurrent}), which runs while the JIT
 * compiles the Vector API kernels ({@link JitWarmup}), gives their floats bit for bit, flushed
 * running gradients included.
 */
class RecurrentTwinsTest {
  @Test
  void lstmCellTwinGivesTheVectorKernelsBits() {
    RecurrentKernels vector = VectorSupport.load("VectorRecurrent", RecurrentKernels.class);
    assumeTrue(vector != null, "needs --add-modules jdk.incubator.vector");
    RecurrentKernels twin = new ScalarRecurrent(vector.lanes());
    Random r = new Random(13);
    for (int trial = 0; trial < 20; trial++) {
      int u = vector.lanes() * (1 + r.nextInt(3));
      float[] z = random(r, 4 * u);
      for (int i = 0; i < z.length; i += 7) {
        z[i] *= 8; // beyond the clamp of the activations
      }
      float[] cp = trial % 2 == 0 ? null : random(r, u);
      float[][] a = {z.clone(), new float[u], new float[u], new float[u]};
      float[][] b = {z.clone(), new float[u], new float[u], new float[u]};
      vector.forward(a[0], 0, cp, 0, a[1], 0, a[2], 0, a[3], 0, u);
      twin.forward(b[0], 0, cp, 0, b[1], 0, b[2], 0, b[3], 0, u);
      for (int i = 0; i < 4; i++) {
        assertBits(a[i], b[i], "cell forward part " + i + ", " + u + " units");
      }
      // ws: dh, tanh(c), dc, then the activated gates.
      float[] ws = new float[7 * u];
      System.arraycopy(random(r, u), 0, ws, 0, u);
      System.arraycopy(a[2], 0, ws, u, u);
      System.arraycopy(random(r, u), 0, ws, 2 * u, u);
      System.arraycopy(a[0], 0, ws, 3 * u, 4 * u);
      // Running gradients about the flush bound, on both sides, and a subnormal.
      float[] nearBound = {
        RecurrentKernels.FLUSH_BELOW,
        -RecurrentKernels.FLUSH_BELOW * 0.75f,
        RecurrentKernels.FLUSH_BELOW * 1.5f,
        Float.MIN_VALUE * 3,
        -0f
      };
      for (int i = trial % 3; i < u; i += 3) {
        ws[i] = nearBound[i % nearBound.length];
        ws[2 * u + i] = nearBound[(i + 2) % nearBound.length];
      }
      float[] dH = trial % 3 == 0 ? null : random(r, u);
      float[] wa = ws.clone();
      float[] wb = ws.clone();
      vector.backward(wa, 3 * u, u, cp, 0, 0, 2 * u, dH, 0, u);
      twin.backward(wb, 3 * u, u, cp, 0, 0, 2 * u, dH, 0, u);
      assertBits(wa, wb, "cell backward, " + u + " units");
    }
  }
}
