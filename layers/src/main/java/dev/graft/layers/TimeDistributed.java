package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.Variable;
import dev.graft.autograd.ops.Reshape;
import dev.graft.dsl.Layer;
import dev.graft.tensor.Shape;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code TimeDistributed(layer)}: applies one layer, with one set of weights, to every time
 * step of {@code (N, T, ...)}, giving {@code (N, T, ...out)}. The steps are folded into the batch
 * ({@code (N * T, ...)}), the layer runs once, and the result is unfolded, so any one-input layer
 * works (Dense, Conv2D, pooling, ...).
 *
 * <p>An unbuilt wrapped layer takes the wrapper's name for its weights, as in Keras 2 and
 * TensorFlow.js ({@code time_distributed/kernel}, {@code time_distributed/bias}); its config keeps
 * its own name.
 */
public final class TimeDistributed extends Layer {
  private final Layer layer;

  /** The wrapped layer's own name, kept for its config when it takes the wrapper's at build. */
  private String layerName;

  /**
   * Wraps {@code layer}.
   *
   * @param layer the layer applied to each step
   * @throws IllegalArgumentException if {@code layer} is null
   */
  public TimeDistributed(Layer layer) {
    if (layer == null) {
      throw new IllegalArgumentException(
          "Invalid value for argument layer of TimeDistributed. Received: layer=null");
    }
    this.layer = layer;
  }

  /**
   * The wrapped layer.
   *
   * @return the layer given at construction
   */
  public Layer layer() {
    return layer;
  }

  /** {@code (N, ...)} for {@code (N, T, ...)}: what the wrapped layer sees. */
  private Shape stepShape(Shape x) {
    if (x.rank() < 3) {
      throw incompatible(0, "rank >= 3 (batch, time, ...)", x);
    }
    int[] d = new int[x.rank() - 1];
    d[0] = x.dim(0);
    for (int i = 2; i < x.rank(); i++) {
      d[i - 1] = x.dim(i);
    }
    return Shape.of(d);
  }

  @Override
  protected void checkInputs(List<Shape> in) {
    if (in.size() != 1) {
      throw new IllegalArgumentException(
          "Layer \"" + name() + "\" takes one input; it was called on " + in.size() + ": " + in);
    }
    stepShape(in.get(0));
  }

  @Override
  protected void build(List<Shape> in) {
    if (!layer.built()) {
      layerName = layer.name();
      layer.name(name());
    }
    layer.ensureBuilt(List.of(stepShape(in.get(0))));
  }

  @Override
  public List<Shape> outputShapes(List<Shape> in) {
    checkInputs(in);
    Shape x = in.get(0);
    List<Shape> step = layer.outputShapes(List.of(stepShape(x)));
    if (step.size() != 1) {
      throw new IllegalArgumentException(
          "Layer \""
              + name()
              + "\" (TimeDistributed) needs a layer with one output; \""
              + layer.name()
              + "\" has "
              + step.size());
    }
    Shape y = step.get(0);
    int[] d = new int[y.rank() + 1];
    d[0] = x.dim(0);
    d[1] = x.dim(1);
    for (int i = 1; i < y.rank(); i++) {
      d[i + 1] = y.dim(i);
    }
    return List.of(Shape.of(d));
  }

  @Override
  public List<Node> call(CallContext ctx, List<Node> inputs) {
    Node x = inputs.get(0);
    Shape out = outputShapes(List.of(x.shape())).get(0);
    // Folding time into the batch and back needs every size but the batch.
    if (!SampleShape.known(x.shape()) || !SampleShape.known(out)) {
      throw incompatible(0, "known sizes after the batch when the graph is built", x.shape());
    }
    Node folded = Reshape.of(x, stepShape(x.shape()).withDim(0, Shape.UNKNOWN));
    Node y = layer.call(ctx, List.of(folded)).get(0);
    return List.of(Reshape.of(y, out.withDim(0, Shape.UNKNOWN)));
  }

  @Override
  public List<Variable> weights() {
    return layer.weights();
  }

  @Override
  public List<Weight> weightDeclarations() {
    return layer.weightDeclarations();
  }

  @Override
  public Layer trainable(boolean value) {
    super.trainable(value);
    layer.trainable(value);
    return this;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    Map<String, Object> inner = new LinkedHashMap<>(layer.config());
    inner.put("name", layerName != null ? layerName : layer.name());
    Map<String, Object> wrapped = new LinkedHashMap<>();
    wrapped.put("class_name", layer.className());
    wrapped.put("config", inner);
    c.put("layer", wrapped);
    return c;
  }

  /** Keras's {@code supports_masking}: the steps' mask passes through to the output. */
  @Override
  protected boolean supportsMasking() {
    return true;
  }
}
