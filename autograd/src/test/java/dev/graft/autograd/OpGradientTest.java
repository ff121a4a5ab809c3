package dev.graft.autograd;

import static dev.graft.tensor.Shape.UNKNOWN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.autograd.ops.Add;
import dev.graft.autograd.ops.BroadcastTo;
import dev.graft.autograd.ops.Concat;
import dev.graft.autograd.ops.Conv2D;
import dev.graft.autograd.ops.Div;
import dev.graft.autograd.ops.Dropout;
import dev.graft.autograd.ops.Exp;
import dev.graft.autograd.ops.FlushGradient;
import dev.graft.autograd.ops.Gather;
import dev.graft.autograd.ops.GruSequence;
import dev.graft.autograd.ops.Leaf;
import dev.graft.autograd.ops.Log;
import dev.graft.autograd.ops.Loss;
import dev.graft.autograd.ops.LstmSequence;
import dev.graft.autograd.ops.MatMul;
import dev.graft.autograd.ops.Mul;
import dev.graft.autograd.ops.Neg;
import dev.graft.autograd.ops.Pool;
import dev.graft.autograd.ops.Reduction;
import dev.graft.autograd.ops.Relu;
import dev.graft.autograd.ops.Reshape;
import dev.graft.autograd.ops.Scale;
import dev.graft.autograd.ops.Sigmoid;
import dev.graft.autograd.ops.Slice;
import dev.graft.autograd.ops.Softmax;
import dev.graft.autograd.ops.Sqrt;
import dev.graft.autograd.ops.Square;
import dev.graft.autograd.ops.Sub;
import dev.graft.autograd.ops.SumTo;
import dev.graft.autograd.ops.Tanh;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.conv.ConvGeometry;
import dev.graft.tensor.reduce.Losses;
import java.io.File;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Finite-difference gradient checks of every op, and the registry test: every op class in {@code
 * dev.graft.autograd.ops} must appear in a checked case (forward ops as the function, backward-only
 * ops inside the backward graph of one).
 */
class OpGradientTest {
  /** Ops whose gradient behaviour cannot be checked by finite differences: tested elsewhere. */
  private static final Set<String> CHECKED_ELSEWHERE = Set.of("StopGradient");

  record Case(String name, GradCheck.Fn f, List<Tensor> inputs, int[] differentiable) {}

  static Tensor r(long seed, int... dims) {
    return Tensor.uniform(new Rng(seed), -1f, 1f, dims);
  }

  static Tensor pos(long seed, int... dims) {
    return Tensor.uniform(new Rng(seed), 0.5f, 1.5f, dims);
  }

  static Case c(String name, GradCheck.Fn f, Tensor... in) {
    return new Case(name, f, List.of(in), null);
  }

  /**
   * Every gradient case: the core ones below plus those of other case files. A new op file adds its
   * cases in a file of its own and lists it here.
   */
  static List<Case> cases() {
    List<Case> cs = new ArrayList<>(coreCases());
    cs.addAll(LayerOpCases.cases());
    cs.addAll(RecurrentStateOpCases.cases());
    cs.addAll(AffineOpCases.cases());
    cs.addAll(ActivationOpCases.cases());
    cs.addAll(ShapeOpCases.cases());
    cs.addAll(MaskOpCases.cases());
    cs.addAll(RecurrentDropoutOpCases.cases());
    cs.addAll(AttentionOpCases.cases());
    cs.addAll(ConvOpCases.cases());
    return cs;
  }

  static List<Case> coreCases() {
    List<Case> cs = new ArrayList<>();
    cs.add(c("add", n -> Add.of(n.get(0), n.get(1)), r(1, 3, 4), r(2, 3, 4)));
    cs.add(c("add_bias", n -> Add.of(n.get(0), n.get(1)), r(1, 3, 4), r(2, 4)));
    cs.add(c("add_both_ways", n -> Add.of(n.get(0), n.get(1)), r(1, 3, 1), r(2, 1, 4)));
    cs.add(c("sub", n -> Sub.of(n.get(0), n.get(1)), r(3, 2, 3), r(4, 3)));
    cs.add(c("mul", n -> Mul.of(n.get(0), n.get(1)), r(5, 2, 3, 2), r(6, 3, 1)));
    cs.add(c("div", n -> Div.of(n.get(0), n.get(1)), r(7, 2, 3), pos(8, 2, 3)));
    cs.add(c("div_broadcast", n -> Div.of(n.get(0), n.get(1)), r(7, 2, 3), pos(8, 1)));
    cs.add(c("neg", n -> Neg.of(n.get(0)), r(9, 4)));
    cs.add(c("scale", n -> Scale.of(n.get(0), -2.5f), r(10, 2, 2)));
    cs.add(c("exp", n -> Exp.of(n.get(0)), r(11, 5)));
    cs.add(c("log", n -> Log.of(n.get(0)), pos(12, 5)));
    cs.add(c("sqrt", n -> Sqrt.of(n.get(0)), pos(13, 5)));
    cs.add(c("square", n -> Square.of(n.get(0)), r(14, 5)));
    cs.add(c("relu", n -> Relu.of(n.get(0)), r(15, 3, 4)));
    cs.add(c("sigmoid", n -> Sigmoid.of(n.get(0)), r(16, 3, 4)));
    cs.add(c("tanh", n -> Tanh.of(n.get(0)), r(17, 3, 4)));
    cs.add(c("sum_axis", n -> Reduction.sum(n.get(0), false, 1), r(18, 2, 3, 4)));
    cs.add(c("sum_keep", n -> Reduction.sum(n.get(0), true, 0, 2), r(19, 2, 3, 4)));
    cs.add(c("mean_all", n -> Reduction.mean(n.get(0), false), r(20, 3, 4)));
    cs.add(c("mean_last", n -> Reduction.mean(n.get(0), false, -1), r(21, 3, 4)));
    cs.add(c("reshape", n -> Reshape.of(n.get(0), Shape.of(4, UNKNOWN)), r(22, 2, 3, 2)));
    cs.add(c("broadcast_to", n -> BroadcastTo.of(n.get(0), Shape.of(2, 3, 4)), r(23, 3, 1)));
    cs.add(c("sum_to", n -> SumTo.of(n.get(0), Shape.of(1, 4)), r(24, 2, 3, 4)));
    cs.add(c("matmul", n -> MatMul.of(n.get(0), n.get(1)), r(25, 4, 3), r(26, 3, 5)));
    cs.add(c("matmul_rank3", n -> MatMul.of(n.get(0), n.get(1)), r(27, 2, 3, 4), r(28, 4, 2)));
    cs.add(
        c("matmul_bT", n -> MatMul.of(n.get(0), false, n.get(1), true), r(29, 4, 3), r(30, 5, 3)));
    cs.add(
        c("matmul_aT", n -> MatMul.of(n.get(0), true, n.get(1), false), r(31, 3, 4), r(32, 3, 2)));
    cs.add(
        c(
            "matmul_aT_bT",
            n -> MatMul.of(n.get(0), true, n.get(1), true),
            r(33, 3, 4),
            r(34, 2, 3)));
    cs.add(c("softmax", n -> Softmax.of(n.get(0), -1), r(35, 3, 5)));
    cs.add(c("softmax_axis0", n -> Softmax.of(n.get(0), 0), r(36, 3, 2)));
    cs.add(c("log_softmax", n -> Softmax.log(n.get(0), 1), r(37, 2, 4)));
    cs.add(c("concat_last", n -> Concat.of(-1, n), r(38, 2, 3), r(39, 2, 2)));
    cs.add(c("concat_first", n -> Concat.of(0, n), r(40, 1, 3, 2), r(41, 2, 3, 2), r(42, 1, 3, 2)));
    cs.add(c("slice", n -> Slice.of(n.get(0), 1, 1, 2), r(43, 2, 4, 3)));
    // Several slices of one node: their gradients stitched into one op (slices_grad), tiling the
    // axis, or with a gap (zeros) and an overlapping slice (added apart).
    cs.add(
        c(
            "slices_tiling_an_axis",
            n -> {
              Node a = Slice.of(n.get(0), 1, 0, 1);
              Node b = Slice.of(n.get(0), 1, 1, 2);
              Node d = Slice.of(n.get(0), 1, 3, 1);
              return Concat.of(1, List.of(Mul.of(d, d), Mul.of(a, a), b));
            },
            r(45, 2, 4, 3)));
    cs.add(
        c(
            "slices_with_a_gap_and_an_overlap",
            n -> {
              Node a = Slice.of(n.get(0), 1, 0, 2);
              Node b = Slice.of(n.get(0), 1, 1, 2);
              Node d = Slice.of(n.get(0), 1, 4, 1);
              return Concat.of(1, List.of(Mul.of(a, a), b, Mul.of(d, d)));
            },
            r(46, 2, 5, 3)));
    cs.add(c("flush_gradient", n -> Mul.of(FlushGradient.of(n.get(0)), n.get(0)), r(47, 3, 4)));
    cs.add(c("dropout_inference", n -> Dropout.of(n.get(0), 0.5f), r(44, 3, 4)));
    for (dev.graft.tensor.elementwise.Pointwise.Fn fn :
        dev.graft.tensor.elementwise.Pointwise.Fn.values()) {
      cs.add(
          c(
              "activation_" + fn.name().toLowerCase(java.util.Locale.ROOT),
              n -> dev.graft.autograd.ops.Activation.of(fn, n.get(0)),
              Tensor.uniform(new Rng(60 + fn.ordinal()), -2.5f, 2.5f, 3, 4)));
    }
    for (var pad : dev.graft.tensor.conv.ConvGeometry.Padding.values()) {
      cs.add(
          c(
              "conv2d_" + pad,
              n -> Conv2D.of(n.get(0), n.get(1), n.get(2), new int[] {2, 1}, new int[] {1, 1}, pad),
              r(70, 2, 5, 4, 2),
              r(71, 3, 2, 2, 3),
              r(72, 3)));
      cs.add(
          c(
              "conv2d_dilated_" + pad,
              n -> Conv2D.of(n.get(0), n.get(1), null, new int[] {1, 1}, new int[] {2, 1}, pad),
              r(73, 1, 6, 5, 1),
              r(74, 2, 3, 1, 2)));
      for (Pool.Kind k : new Pool.Kind[] {Pool.Kind.MAX, Pool.Kind.AVG}) {
        cs.add(
            c(
                k + "_pool_" + pad,
                n -> Pool.of(k, n.get(0), new int[] {2, 2}, new int[] {2, 1}, pad),
                r(75, 2, 5, 5, 3)));
      }
    }
    cs.add(
        c(
            "max_pool_of_relu", // built as relu of the pooled input
            n ->
                Pool.of(
                    Pool.Kind.MAX,
                    Relu.of(n.get(0)),
                    new int[] {2, 2},
                    new int[] {2, 2},
                    ConvGeometry.Padding.SAME),
            r(78, 2, 5, 5, 3)));
    // Max pooling that tiles a convolution's output runs as one conv2d_max_pool2d op.
    cs.add(
        c(
            "conv2d_max_pool_of_relu",
            n -> convReluMaxPool(n, ConvGeometry.Padding.VALID, new int[] {2, 2}),
            r(79, 2, 6, 7, 2), // conv output 4x5: the last column is dropped
            r(80, 3, 3, 2, 3),
            r(81, 3)));
    cs.add(
        c(
            "conv2d_max_pool_same_3x2",
            n ->
                Pool.of(
                    Pool.Kind.MAX,
                    Conv2D.of(
                        n.get(0),
                        n.get(1),
                        null,
                        new int[] {1, 1},
                        new int[] {1, 1},
                        ConvGeometry.Padding.SAME),
                    new int[] {3, 2},
                    new int[] {3, 2},
                    ConvGeometry.Padding.VALID),
            r(82, 1, 7, 6, 2), // the last conv row is dropped
            r(83, 2, 2, 2, 2)));
    // A ReLU joins the fused op; windows other than 2x2 take the plain scatter past its taps.
    cs.add(
        c(
            "conv2d_relu_max_pool_3x2",
            n -> convReluMaxPool(n, ConvGeometry.Padding.SAME, new int[] {3, 2}),
            r(84, 2, 7, 6, 2),
            r(85, 2, 2, 2, 3),
            r(86, 3)));
    cs.add(
        c(
            "global_max_pool_of_relu",
            n -> Pool.global(Pool.Kind.GLOBAL_MAX, Relu.of(n.get(0))),
            r(77, 2, 3, 4, 2)));
    cs.add(
        c("global_max_pool", n -> Pool.global(Pool.Kind.GLOBAL_MAX, n.get(0)), r(76, 2, 3, 4, 2)));
    cs.add(
        c("global_avg_pool", n -> Pool.global(Pool.Kind.GLOBAL_AVG, n.get(0)), r(77, 2, 3, 4, 2)));
    for (boolean seq : new boolean[] {false, true}) {
      for (boolean back : new boolean[] {false, true}) {
        String tag = (seq ? "_seq" : "_last") + (back ? "_back" : "");
        cs.add(
            c(
                "lstm" + tag,
                n -> LstmSequence.of(n.get(0), n.get(1), n.get(2), n.get(3), seq, back),
                r(80, 2, 3, 4),
                r(81, 4, 12),
                r(82, 3, 12),
                r(83, 12)));
        cs.add(
            c(
                "gru_reset_after" + tag,
                n -> GruSequence.of(n.get(0), n.get(1), n.get(2), n.get(3), seq, back, true),
                r(84, 2, 3, 4),
                r(85, 4, 9),
                r(86, 3, 9),
                r(87, 2, 9)));
      }
    }
    cs.add(
        c(
            "gru_reset_before",
            n -> GruSequence.of(n.get(0), n.get(1), n.get(2), n.get(3), true, false, false),
            r(88, 2, 3, 4),
            r(89, 4, 9),
            r(90, 3, 9),
            r(91, 9)));
    Tensor table = r(45, 5, 3);
    Tensor idx = Tensor.of(new float[] {0, 4, 2, 4, 1, 0}, 2, 3);
    cs.add(
        new Case("gather", n -> Gather.of(n.get(0), n.get(1)), List.of(table, idx), new int[] {0}));
    for (Losses.Kind k : Losses.Kind.values()) {
      Tensor pred;
      Tensor target;
      switch (k) {
        case BINARY_CROSSENTROPY -> {
          pred = Tensor.uniform(new Rng(46), 0.1f, 0.9f, 4, 2);
          target = Tensor.randint(new Rng(47), 0, 2, 4, 2);
        }
        case CATEGORICAL_CROSSENTROPY -> {
          pred = Tensor.uniform(new Rng(48), 0.1f, 0.9f, 3, 4);
          target = Tensor.of(new float[] {0, 1, 0, 0, 0.5f, 0, 0.5f, 0, 0, 0, 0, 1}, 3, 4);
        }
        case SPARSE_CATEGORICAL_CROSSENTROPY, SPARSE_CATEGORICAL_CROSSENTROPY_LOGITS -> {
          pred = Tensor.uniform(new Rng(49), 0.1f, 0.9f, 3, 4);
          target = Tensor.of(new float[] {1, 3, 0}, 3, 1);
        }
        case CATEGORICAL_CROSSENTROPY_LOGITS -> {
          pred = r(50, 3, 4);
          target = Tensor.of(new float[] {0, 1, 0, 0, 0.5f, 0, 0.5f, 0, 0, 0, 0, 1}, 3, 4);
        }
        case HUBER -> {
          pred = Tensor.of(new float[] {0.2f, 3f, -2.5f, 0.1f}, 2, 2);
          target = Tensor.of(new float[] {0.5f, 0.5f, 0f, -0.3f}, 2, 2);
        }
        default -> {
          pred = r(51, 3, 2);
          target = r(52, 3, 2);
        }
      }
      cs.add(
          new Case(
              "loss_" + k.name().toLowerCase(java.util.Locale.ROOT),
              n -> Loss.of(k, n.get(0), n.get(1)),
              List.of(pred, target),
              new int[] {0}));
    }
    return cs;
  }

  @TestFactory
  Stream<DynamicTest> everyOpMatchesFiniteDifferences() {
    return cases().stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.name(),
                    () -> GradCheck.check(c.name(), c.f(), c.inputs(), c.differentiable())));
  }

  /**
   * A node sliced into T steps (as SimpleRNN slices its projected input) gets one stitched gradient
   * op, not T padded copies of its whole shape added one by one (T² work).
   */
  @Test
  void sliceGradientsOfOneNodeAreStitchedIntoOneOp() {
    Graph g = new Graph();
    Variable v = new Variable("x", r(48, 2, 50, 3), true);
    Node x = g.read(v);
    List<Node> steps = new ArrayList<>();
    for (int t = 0; t < 50; t++) {
      Node s = Slice.of(x, 1, t, 1);
      steps.add(Mul.of(s, s));
    }
    Node loss = Reduction.sum(Concat.of(1, steps), false);
    Node dx = Gradients.of(loss, List.of(v)).get(v);
    assertEquals("slices_grad", dx.op().kind());
    Plan p = new Program(List.of(dx)).plan(1);
    Map<String, Integer> kinds = new java.util.TreeMap<>();
    for (String op : p.opList()) {
      kinds.merge(op.replaceAll("^%\\d+ = (\\w+).*", "$1"), 1, Integer::sum);
    }
    assertEquals(1, kinds.get("slices_grad"), kinds.toString());
    assertEquals(null, kinds.get("slice_grad"), kinds.toString());
    p.run(true);
    for (int i = 0; i < v.value().size(); i++) {
      assertEquals(2 * v.value().getFlat(i), p.output(0).getFlat(i), 1e-6f, "dx[" + i + "]");
    }
  }

  @Test
  void everyOpClassHasAGradientCheck() throws Exception {
    Set<String> seen = new HashSet<>();
    for (Case c : cases()) {
      Graph g = new Graph();
      List<Node> nodes = new ArrayList<>();
      List<Variable> vars = new ArrayList<>();
      for (Tensor t : c.inputs()) {
        Variable v = new Variable("x", t, true);
        vars.add(v);
        nodes.add(g.read(v));
      }
      Node out = c.f().apply(nodes);
      Node sum = Reduction.sum(out, false);
      Gradients.of(sum, vars);
      for (Node n : g.nodes()) {
        if (n.id() <= out.id() || !n.op().isDifferentiable()) {
          seen.add(n.op().getClass().getName());
        }
      }
    }
    Set<String> missing = new TreeSet<>();
    for (String cls : opClasses()) {
      Class<?> k = Class.forName(cls);
      if (Op.class.isAssignableFrom(k)
          && !java.lang.reflect.Modifier.isAbstract(k.getModifiers())
          && !Leaf.class.isAssignableFrom(k)
          && !seen.contains(cls)
          && !CHECKED_ELSEWHERE.contains(k.getSimpleName())) {
        missing.add(cls);
      }
    }
    assertTrue(missing.isEmpty(), "ops without a gradient check: " + missing);
  }

  private static List<String> opClasses() throws URISyntaxException {
    File dir = new File(Op.class.getResource("ops").toURI());
    List<String> names = new ArrayList<>();
    for (String f : dir.list()) {
      if (f.endsWith(".class")) {
        names.add("dev.graft.autograd.ops." + f.substring(0, f.length() - 6));
      }
    }
    assertTrue(names.size() > 10, "found only " + names + " in " + dir);
    return names;
  }

  /** Max pooling (windows = strides, 'valid') of relu(conv2d(x, kernel, bias)), stride 1. */
  private static Node convReluMaxPool(List<Node> n, ConvGeometry.Padding padding, int[] window) {
    Node conv =
        Conv2D.of(n.get(0), n.get(1), n.get(2), new int[] {1, 1}, new int[] {1, 1}, padding);
    return Pool.of(Pool.Kind.MAX, Relu.of(conv), window, window, ConvGeometry.Padding.VALID);
  }
}
