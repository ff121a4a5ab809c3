package dev.graft.benchmarks;

import dev.graft.autograd.Gradients;
import dev.graft.autograd.Graph;
import dev.graft.autograd.Node;
import dev.graft.autograd.Plan;
import dev.graft.autograd.Program;
import dev.graft.autograd.Variable;
import dev.graft.autograd.ops.Add;
import dev.graft.autograd.ops.Concat;
import dev.graft.autograd.ops.Conv2D;
import dev.graft.autograd.ops.Conv2DTranspose;
import dev.graft.autograd.ops.DepthwiseConv2D;
import dev.graft.autograd.ops.LstmSequence;
import dev.graft.autograd.ops.MatMul;
import dev.graft.dsl.FitOptions;
import dev.graft.dsl.Model;
import dev.graft.layers.CallContext;
import dev.graft.layers.MultiHeadAttention;
import dev.graft.tensor.Parallel;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.blas.Blas;
import dev.graft.tensor.conv.ConvGeometry;
import dev.graft.tensor.products.Gemm;
import dev.graft.tensor.recurrent.GateActivation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Times the PyTorch peer's workloads ({@code ../shared/peers/torch/README.md}) through Graft: the
 * three seed models' training step, one fit epoch and predict at batch 32 (public API), and the
 * Dense / matmul / Conv2D / LSTM / concat / MultiHeadAttention / depthwise / transposed-conv
 * micro-kernels (forward + backward through the IR). Same shapes, warm-up (3) and repeats (20),
 * medians in ms; prints one JSON object whose {@code figures} use the peer's names. Threads: {@code
 * -Dgraft.threads=N}.
 */
public final class SideBySide {
  private final int warmup;
  private final int repeats;
  private final Map<String, Double> figures = new LinkedHashMap<>();

  private SideBySide(int warmup, int repeats) {
    this.warmup = warmup;
    this.repeats = repeats;
  }

  /**
   * Runs everything; args: {@code [--quick] [--only models,micro|mha|convs]} ({@code mha}, {@code
   * convs}: those kernels only).
   *
   * @param args the options
   */
  public static void main(String[] args) {
    boolean quick = Arrays.asList(args).contains("--quick");
    String only = "models,micro";
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals("--only")) {
        only = args[i + 1];
      }
    }
    // The peer's protocol is 3 warm-up calls; -Dbench.warmup=N shows what the JIT's compile
    // time does to the figures (the swings between runs of the first models).
    SideBySide s =
        new SideBySide(Integer.getInteger("bench.warmup", quick ? 1 : 3), quick ? 3 : 20);
    double load =
        java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    long t0 = System.nanoTime();
    if (only.contains("models")) {
      s.models();
    }
    if (only.contains("micro")) {
      s.micro();
    } else if (only.contains("mha")) {
      s.record("mha_4h_kd32_t64_d128_b32_fwd_bwd_ms", s.mha(new Rng(0)));
    } else if (only.contains("convs")) {
      s.convs();
    }
    StringBuilder json = new StringBuilder("{\n  \"harness\": \"graft SideBySide\",\n");
    json.append("  \"threads\": ").append(Parallel.threads()).append(",\n");
    json.append("  \"blas\": \"").append(Blas.current().name()).append("\",\n");
    json.append("  \"loadavg_1m_before\": ")
        .append(String.format(Locale.ROOT, "%.2f", load))
        .append(",\n");
    json.append("  \"bench_wall_s\": ")
        .append(String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e9))
        .append(",\n");
    json.append("  \"figures\": {\n");
    int k = 0;
    for (Map.Entry<String, Double> e : s.figures.entrySet()) {
      json.append("    \"")
          .append(e.getKey())
          .append("\": ")
          .append(String.format(Locale.ROOT, "%.4f", e.getValue()))
          .append(++k < s.figures.size() ? ",\n" : "\n");
    }
    json.append("  }\n}");
    System.out.println(json);
  }

  private double median(Runnable r, int inner) {
    for (int i = 0; i < warmup * inner; i++) {
      r.run();
    }
    double[] samples = new double[repeats];
    for (int i = 0; i < repeats; i++) {
      long t = System.nanoTime();
      for (int j = 0; j < inner; j++) {
        r.run();
      }
      samples[i] = (System.nanoTime() - t) / 1e6 / inner;
    }
    Arrays.sort(samples);
    return repeats % 2 == 1
        ? samples[repeats / 2]
        : (samples[repeats / 2 - 1] + samples[repeats / 2]) / 2;
  }

  private void record(String name, double ms) {
    figures.put(name, ms);
    System.err.printf(Locale.ROOT, "[graft] %s: %.3f ms%n", name, ms);
  }

  private void models() {
    for (String name : SeedModels.NAMES) {
      Rng rng = new Rng(0);
      List<Tensor> x = SeedModels.inputs(name, rng, 100);
      Tensor y = SeedModels.labels(rng, 100);
      List<Tensor> xb = new ArrayList<>();
      x.forEach(t -> xb.add(t.slice(0, 32).copy()));
      Tensor yb = y.slice(0, 32).copy();
      Model m = SeedModels.build(name);
      record("train_step_" + name + "_ms", median(() -> m.trainOnBatch(xb, List.of(yb)), 1));
      Model fresh = SeedModels.build(name);
      FitOptions epoch = FitOptions.epochs(1).batchSize(32).verbose(0).seed(1);
      record("fit_epoch_" + name + "_ms", median(() -> fresh.fit(x, List.of(y), epoch), 1));
      record("predict_" + name + "_ms", median(() -> m.predictOnBatch(xb), 1));
    }
  }

  /**
   * Forward + backward of {@code out} w.r.t. {@code sources} with a fixed upstream gradient, as the
   * peer's {@code out.backward(g)}: the gradient seeds the backward pass directly, and {@code out}
   * is requested too so that the forward pass runs even where no gradient needs its result.
   */
  private double fwdBwd(Graph g, Node out, List<Node> sources, int inner) {
    Tensor seed = Tensor.uniform(new Rng(3), -1f, 1f, out.shape().toArray());
    List<Node> wanted = new ArrayList<>(List.of(out));
    wanted.addAll(Gradients.of(List.of(out), List.of(g.constant(seed)), sources));
    Plan plan = new Program(wanted).plan(1);
    return median(() -> plan.run(true), inner);
  }

  private Node var(Graph g, Rng rng, int... dims) {
    return g.read(new Variable("v", Tensor.uniform(rng, -0.1f, 0.1f, dims), true));
  }

  /**
   * LSTM(64) over x (32, 100, 64) under Keras's mask: row {@code i} has {@code 10 + 90 i / 31}
   * valid leading steps (the peer's {@code linspace(10, 100, 32)}), returning each row's last valid
   * h; forward + backward.
   */
  private double maskedLstm(Rng rng) {
    Graph g = new Graph();
    Node seq = var(g, rng, 32, 100, 64);
    Node lw = var(g, rng, 64, 256);
    Node lu = var(g, rng, 64, 256);
    Node lb = var(g, rng, 256);
    float[] m = new float[32 * 100];
    for (int i = 0; i < 32; i++) {
      int len = (int) (10 + 90.0 * i / 31);
      Arrays.fill(m, i * 100, i * 100 + len, 1f);
    }
    Node mask = g.constant(Tensor.of(m, 32, 100));
    Node h = LstmSequence.of(seq, lw, lu, lb, mask, false, false, false, GateActivation.SIGMOID);
    return fwdBwd(g, h, List.of(seq, lw, lu, lb), 1);
  }

  private void micro() {
    Rng rng = new Rng(0);
    for (int in : new int[] {256, 30752}) {
      Graph g = new Graph();
      Node x = var(g, rng, 32, in);
      Node w = var(g, rng, in, 128);
      Node b = var(g, rng, 128);
      double ms = fwdBwd(g, Add.of(MatMul.of(x, w), b), List.of(x, w, b), in == 256 ? 50 : 1);
      record("dense_" + in + "x128_b32_fwd_bwd_ms", ms);
      record("dense_" + in + "x128_b32_fwd_bwd_gflops", 3.0 * 2 * 32 * in * 128 / ms / 1e6);
    }
    Tensor a = Tensor.uniform(rng, -1f, 1f, 1024, 1024);
    Tensor bm = Tensor.uniform(rng, -1f, 1f, 1024, 1024);
    double mm = median(() -> Gemm.matmul(a, bm), 1);
    record("matmul_1024_ms", mm);
    record("matmul_1024_gflops", 2.0 * 1024 * 1024 * 1024 / mm / 1e6);
    Graph g = new Graph();
    Node img = var(g, rng, 32, 64, 64, 3);
    Node k = var(g, rng, 3, 3, 3, 32);
    Node kb = var(g, rng, 32);
    Node conv =
        Conv2D.of(img, k, kb, new int[] {1, 1}, new int[] {1, 1}, ConvGeometry.Padding.VALID);
    double cm = fwdBwd(g, conv, List.of(img, k, kb), 1);
    record("conv2d_3to32_k3_64x64_b32_fwd_bwd_ms", cm);
    record("conv2d_3to32_k3_64x64_b32_fwd_bwd_gflops", 3.0 * 2 * 32 * 62 * 62 * 32 * 27 / cm / 1e6);
    g = new Graph();
    Node seq = var(g, rng, 32, 200, 64);
    Node lw = var(g, rng, 64, 256);
    Node lu = var(g, rng, 64, 256);
    Node lb = var(g, rng, 256);
    Node h = LstmSequence.of(seq, lw, lu, lb, false, false);
    record("lstm64_t200_in64_b32_fwd_bwd_ms", fwdBwd(g, h, List.of(seq, lw, lu, lb), 1));
    record("lstm64_masked_t100_b32_fwd_bwd_ms", maskedLstm(rng));
    g = new Graph();
    Node c1 = var(g, rng, 32, 128);
    Node c2 = var(g, rng, 32, 128);
    record(
        "concat_2x32x128_fwd_bwd_ms",
        fwdBwd(g, Concat.of(-1, List.of(c1, c2)), List.of(c1, c2), 50));
    record("mha_4h_kd32_t64_d128_b32_fwd_bwd_ms", mha(rng));
    convs();
  }

  /**
   * Keras's {@code MultiHeadAttention(4, 32)} self-attention on (32, 64, 128) through the layer's
   * own IR: forward, then the gradients of the input and of every projection's kernel and bias.
   */
  private double mha(Rng rng) {
    Graph g = new Graph();
    Node x = var(g, rng, 32, 64, 128);
    MultiHeadAttention layer = new MultiHeadAttention(4, 32);
    layer.ensureBuilt(List.of(x.shape(), x.shape()));
    Node y = layer.call(new CallContext(g), List.of(x, x)).get(0);
    List<Node> sources = new ArrayList<>(List.of(x));
    for (Variable v : layer.weights()) {
      sources.add(g.read(v));
    }
    return fwdBwd(g, y, sources, 1);
  }

  /** The depthwise and transposed convolutions of a MobileNet block and a decoder (issue 14). */
  private void convs() {
    Rng rng = new Rng(1);
    int[] one = {1, 1};
    Graph g = new Graph();
    Node x = var(g, rng, 32, 56, 56, 64);
    Node k = var(g, rng, 3, 3, 64, 1);
    Node b = var(g, rng, 64);
    Node dw = DepthwiseConv2D.of(x, k, b, one, one, ConvGeometry.Padding.SAME);
    record("depthwise3x3_64ch_56x56_b32_fwd_bwd_ms", fwdBwd(g, dw, List.of(x, k, b), 1));
    g = new Graph();
    x = var(g, rng, 32, 16, 16, 64);
    k = var(g, rng, 3, 3, 32, 64);
    b = var(g, rng, 32);
    Node ct = Conv2DTranspose.of(x, k, b, new int[] {2, 2}, one, ConvGeometry.Padding.SAME, null);
    record("conv2d_transpose_64to32_s2_16x16_b32_fwd_bwd_ms", fwdBwd(g, ct, List.of(x, k, b), 1));
  }
}
