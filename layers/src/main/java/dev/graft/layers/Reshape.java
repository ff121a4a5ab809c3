package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.tensor.Shape;
import java.util.Arrays;
import java.util.Map;

/**
 * Keras's {@code Reshape}: each sample to {@code targetShape} (the batch is kept); one target
 * dimension may be {@code -1}, inferred.
 */
public final class Reshape extends SingleInput {
  private final int[] target;

  /**
   * Reshapes samples to {@code targetShape}.
   *
   * @param targetShape the output's shape after the batch; one dimension may be -1 (inferred)
   * @throws IllegalArgumentException for a dimension below -1 or several -1
   */
  public Reshape(int... targetShape) {
    long unknown = Arrays.stream(targetShape).filter(d -> d == -1).count();
    boolean ok = unknown <= 1 && Arrays.stream(targetShape).allMatch(d -> d > 0 || d == -1);
    checkArgument(ok, "Reshape", "target_shape", Arrays.toString(targetShape));
    this.target = targetShape.clone();
  }

  @Override
  protected Shape outputShape(Shape in) {
    int sample = in.sizeFrom(1);
    int known = 1;
    int at = -1;
    for (int i = 0; i < target.length; i++) {
      if (target[i] == -1) {
        at = i;
      } else {
        known *= target[i];
      }
    }
    int[] d = new int[target.length + 1];
    d[0] = in.dim(0);
    System.arraycopy(target, 0, d, 1, target.length);
    if (at >= 0 && known > 0 && sample % known == 0) {
      d[at + 1] = sample / known;
    }
    Shape out = Shape.of(d);
    if ((at >= 0 && d[at + 1] == -1) || out.sizeFrom(1) != sample) {
      throw incompatible(
          0, "samples of " + sample + " elements for target shape " + Arrays.toString(target), in);
    }
    return out;
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    return dev.graft.autograd.ops.Reshape.of(x, outputShape(x.shape()));
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("target_shape", target.clone());
    return c;
  }
}
