package dev.graft.dsl;

import dev.graft.dsl.internal.FunctionalGraph;
import dev.graft.layers.FeedEncoder;
import dev.graft.layers.InputLayer;
import dev.graft.layers.StringBatch;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * How data enters a model whose inputs are read by preprocessing layers ({@link FeedEncoder}:
 * {@code TextVectorization}, {@code StringLookup}, ...). Such layers run on the data when it is
 * fed, never inside the compiled graph: for each model input, the chain of preprocessing layers
 * that is its only consumer (following the input into a nested model) encodes the raw batch
 * (strings, or a tensor), and the plan's placeholder for that input holds the chain's output. When
 * the model is lowered, the chain's layer calls pass the placeholder through. Plans thus stay
 * numeric and allocation-free, and a model without such layers is fed its tensors unchanged.
 */
final class Feeds {
  private Feeds() {}

  /**
   * One model input's preprocessing.
   *
   * @param encoders the layers applied in order (none for a plain input)
   * @param fed the tensor whose value the plan is fed: the input itself, or the last layer's output
   * @param calls the layer calls of this model's own graph that the chain covers
   * @param strings whether the input is declared with dtype {@code string}
   */
  record Chain(
      List<FeedEncoder> encoders, SymbolicTensor fed, Set<LayerCall> calls, boolean strings) {}

  private static final Map<FunctionalGraph, List<Chain>> CACHE =
      Collections.synchronizedMap(new WeakHashMap<>());

  /** The chains of {@code m}'s inputs, in input order. */
  static List<Chain> of(Model m) {
    FunctionalGraph g = m.graph();
    List<Chain> c = CACHE.get(g);
    if (c == null) {
      List<Chain> out = new ArrayList<>();
      for (SymbolicTensor in : g.inputs()) {
        out.add(chain(g, in));
      }
      c = List.copyOf(out);
      CACHE.put(g, c);
    }
    return c;
  }

  private static Chain chain(FunctionalGraph g, SymbolicTensor input) {
    List<FeedEncoder> encoders = new ArrayList<>();
    Set<LayerCall> calls = Collections.newSetFromMap(new IdentityHashMap<>());
    SymbolicTensor t = input;
    while (true) {
      List<LayerCall> readers = readers(g, t);
      if (readers.size() != 1 || readers.get(0) == null) {
        break;
      }
      LayerCall c = readers.get(0);
      if (c.layer() instanceof FeedEncoder e && c.inputs().size() == 1) {
        encoders.add(e);
        calls.add(c);
        t = c.outputs().get(0);
        continue;
      }
      if (c.layer() instanceof Model nested && nested.hasGraph() && c.inputs().size() > 0) {
        int at = -1;
        for (int i = 0; i < c.inputs().size(); i++) {
          if (c.inputs().get(i) == t) {
            at = at == -1 ? i : -2;
          }
        }
        if (at >= 0) {
          Chain inner = of(nested).get(at);
          if (!inner.encoders().isEmpty()) {
            encoders.addAll(inner.encoders());
            t = inner.fed();
          }
        }
      }
      break;
    }
    boolean strings =
        input.producer().layer() instanceof InputLayer in && in.dtype().equals("string");
    return new Chain(List.copyOf(encoders), t, calls, strings);
  }

  private static List<LayerCall> readers(FunctionalGraph g, SymbolicTensor t) {
    List<LayerCall> out = new ArrayList<>();
    for (LayerCall c : g.order()) {
      for (SymbolicTensor in : c.inputs()) {
        if (in == t) {
          out.add(c);
          break;
        }
      }
    }
    for (SymbolicTensor o : g.outputs()) {
      if (o == t) {
        out.add(null); // a model output is a reader too: the chain cannot end before it
      }
    }
    return out;
  }

  /** True if some input of {@code m} is read by preprocessing layers. */
  static boolean any(Model m) {
    for (Chain c : of(m)) {
      if (!c.encoders().isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /** The shapes the plans are fed: each input's, or its preprocessing chain's output shape. */
  static List<Shape> shapes(Model m) {
    List<Shape> out = new ArrayList<>();
    for (Chain c : of(m)) {
      out.add(c.fed().shape());
    }
    return out;
  }

  /** The calls of {@code m}'s own graph that preprocessing chains cover (passed through). */
  static Set<LayerCall> passThrough(Model m) {
    Set<LayerCall> out = Collections.newSetFromMap(new IdentityHashMap<>());
    for (Chain c : of(m)) {
      out.addAll(c.calls());
    }
    return out;
  }

  /**
   * The tensors the plans are fed for raw inputs: each input's batch (strings for a {@code string}
   * input, or a tensor) through its preprocessing chain.
   *
   * @throws IllegalArgumentException naming the input when the count or a batch's type is wrong
   */
  static List<Tensor> encode(Model m, List<?> x) {
    List<Chain> chains = of(m);
    boolean plain = true;
    for (int i = 0; i < x.size() && plain; i++) {
      plain =
          x.get(i) instanceof Tensor && (i >= chains.size() || chains.get(i).encoders().isEmpty());
    }
    if (plain) {
      @SuppressWarnings("unchecked")
      List<Tensor> tensors = (List<Tensor>) x;
      return tensors; // DataChecks reports a wrong count
    }
    List<String> names = m.inputNames();
    if (x.size() != chains.size()) {
      throw new IllegalArgumentException(
          "Model \""
              + m.name()
              + "\" expects "
              + chains.size()
              + " input(s) "
              + names
              + " but received "
              + x.size());
    }
    List<Tensor> out = new ArrayList<>(x.size());
    for (int i = 0; i < x.size(); i++) {
      Chain c = chains.get(i);
      Object v = x.get(i);
      String where = "Input " + i + " (\"" + names.get(i) + "\") of model \"" + m.name() + "\"";
      if (c.encoders().isEmpty()) {
        if (c.strings()) {
          throw new IllegalArgumentException(
              where
                  + " holds strings, but no preprocessing layer (TextVectorization, StringLookup,"
                  + " Hashing) reads it alone");
        }
        if (!(v instanceof Tensor t)) {
          throw new IllegalArgumentException(
              where
                  + " takes a Tensor; received "
                  + (v == null ? "null" : v.getClass().getSimpleName())
                  + (StringBatch.isStrings(v) ? " (strings need a preprocessing layer)" : ""));
        }
        out.add(t);
        continue;
      }
      for (FeedEncoder e : c.encoders()) {
        v = e.encode(v);
      }
      out.add((Tensor) v);
    }
    return out;
  }
}
