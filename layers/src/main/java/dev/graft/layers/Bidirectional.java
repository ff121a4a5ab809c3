package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.Variable;
import dev.graft.autograd.ops.Add;
import dev.graft.autograd.ops.Concat;
import dev.graft.autograd.ops.Mul;
import dev.graft.autograd.ops.Reshape;
import dev.graft.autograd.ops.Scale;
import dev.graft.autograd.ops.Slice;
import dev.graft.dsl.Layer;
import dev.graft.tensor.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code Bidirectional}: runs a copy of a recurrent layer over the sequence forwards
 * ({@code forward_<name>}) and another backwards ({@code backward_<name>}, {@code go_backwards}
 * flipped), each with its own weights, and merges their outputs: {@code concat} (default, last
 * axis), {@code sum}, {@code mul} or {@code ave}. With {@code return_sequences} the backward
 * outputs are reversed back in time first, so step {@code t} of both reads position {@code t}. With
 * {@code return_state} the outputs are {@code [merged, forward states..., backward states...]}.
 */
public final class Bidirectional extends Layer {
  /** How the two directions' outputs combine (Keras's {@code merge_mode}). */
  public enum MergeMode {
    /** Joined along the last axis. */
    CONCAT,
    /** Added. */
    SUM,
    /** Multiplied element-wise. */
    MUL,
    /** Averaged. */
    AVE;

    /**
     * Keras's string for this mode.
     *
     * @return {@code concat}, {@code sum}, {@code mul} or {@code ave}
     */
    public String kerasName() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The mode named {@code name} ({@code concat}, {@code sum}, {@code mul}, {@code ave}).
     *
     * @param name the Keras name
     * @return the mode
     * @throws IllegalArgumentException for any other name
     */
    public static MergeMode of(String name) {
      for (MergeMode m : values()) {
        if (m.kerasName().equals(name)) {
          return m;
        }
      }
      throw new IllegalArgumentException(
          "Invalid merge mode. Merge mode should be one of {\"sum\", \"mul\", \"ave\", \"concat\"}."
              + " Received: merge_mode="
              + name);
    }
  }

  private final Recurrent forward;
  private final Recurrent backward;
  private final MergeMode mergeMode;

  /**
   * Wraps {@code layer} (used as a template: it is copied, never called) with {@code mergeMode}.
   *
   * @param layer the recurrent layer copied for each direction
   * @param mergeMode how the two directions' outputs combine
   * @throws IllegalArgumentException if {@code layer} is null or already built
   */
  public Bidirectional(Recurrent layer, MergeMode mergeMode) {
    if (layer == null || layer.built() || mergeMode == null) {
      throw new IllegalArgumentException(
          "Invalid value for argument layer of Bidirectional. Received: layer="
              + layer
              + " (an unbuilt LSTM, GRU or SimpleRNN), merge_mode="
              + mergeMode);
    }
    this.forward = layer.copy("forward_" + layer.name(), layer.goBackwards());
    this.backward = layer.copy("backward_" + layer.name(), !layer.goBackwards());
    this.mergeMode = mergeMode;
  }

  /**
   * The forward-direction layer.
   *
   * @return the copy of the template that reads the sequence forwards
   */
  public Recurrent forwardLayer() {
    return forward;
  }

  /**
   * The backward-direction layer.
   *
   * @return the copy of the template that reads the sequence backwards
   */
  public Recurrent backwardLayer() {
    return backward;
  }

  /**
   * The merge mode.
   *
   * @return how the two outputs combine
   */
  public MergeMode mergeMode() {
    return mergeMode;
  }

  @Override
  protected void checkInputs(List<Shape> in) {
    forward.checkInputs(in);
  }

  @Override
  protected void build(List<Shape> in) {
    forward.ensureBuilt(in);
    backward.ensureBuilt(in);
  }

  @Override
  public List<Shape> outputShapes(List<Shape> in) {
    List<Shape> f = forward.outputShapes(in);
    List<Shape> out = new ArrayList<>();
    Shape y = f.get(0);
    out.add(mergeMode == MergeMode.CONCAT ? y.withDim(y.rank() - 1, 2 * forward.units()) : y);
    out.addAll(f.subList(1, f.size()));
    out.addAll(f.subList(1, f.size()));
    return out;
  }

  @Override
  public List<Node> call(CallContext ctx, List<Node> inputs) {
    return call(ctx, inputs, List.of());
  }

  /**
   * With a mask each direction skips the masked steps (the backward one reads the padding at the
   * end of a row first, and skips it); with {@code return_sequences} the outputs at masked steps
   * are 0, as Keras's Bidirectional sets {@code zero_output_for_mask} for its layers.
   */
  @Override
  public List<Node> call(CallContext ctx, List<Node> inputs, List<Node> masks) {
    List<Node> f = forward.call(ctx, inputs, masks);
    List<Node> b = backward.call(ctx, inputs, masks);
    Node yb = forward.returnSequences() ? reverseTime(b.get(0)) : b.get(0);
    Node yf = f.get(0);
    Node mask = masks.isEmpty() ? null : masks.get(0);
    if (mask != null && forward.returnSequences()) {
      Node m3 = Reshape.of(mask, Shape.of(Shape.UNKNOWN, mask.shape().dim(1), 1));
      yf = Mul.of(yf, m3);
      yb = Mul.of(yb, m3);
    }
    Node merged =
        switch (mergeMode) {
          case CONCAT -> Concat.of(-1, List.of(yf, yb));
          case SUM -> Add.of(yf, yb);
          case MUL -> Mul.of(yf, yb);
          case AVE -> Scale.of(Add.of(yf, yb), 0.5f);
        };
    List<Node> out = new ArrayList<>();
    out.add(merged);
    out.addAll(f.subList(1, f.size()));
    out.addAll(b.subList(1, b.size()));
    return out;
  }

  /** Keras's {@code Bidirectional.compute_mask}: the input's mask on a sequence output only. */
  @Override
  protected List<Node> computeMask(CallContext ctx, List<Node> inputs, List<Node> masks, int outs) {
    List<Node> out = new ArrayList<>(java.util.Collections.nCopies(outs, (Node) null));
    if (forward.returnSequences() && !masks.isEmpty()) {
      out.set(0, masks.get(0));
    }
    return out;
  }

  /** The sequence {@code (N, T, u)} in reverse time order (slices joined back to front). */
  private static Node reverseTime(Node seq) {
    int time = seq.shape().dim(1);
    if (time == 1) {
      return seq;
    }
    List<Node> steps = new ArrayList<>();
    for (int t = time - 1; t >= 0; t--) {
      steps.add(Slice.of(seq, 1, t, 1));
    }
    return Concat.of(1, steps);
  }

  @Override
  public List<Variable> weights() {
    List<Variable> out = new ArrayList<>(forward.weights());
    out.addAll(backward.weights());
    return out;
  }

  @Override
  public Layer trainable(boolean value) {
    super.trainable(value);
    forward.trainable(value);
    backward.trainable(value);
    return this;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("layer", wrapped(forward));
    c.put("merge_mode", mergeMode.kerasName());
    c.put("backward_layer", wrapped(backward));
    return c;
  }

  private static Map<String, Object> wrapped(Layer l) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("class_name", l.className());
    m.put("config", l.config());
    return m;
  }
}
