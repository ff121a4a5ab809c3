package dev.graft.layers;

import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code CategoryEncoding(num_tokens, output_mode)}: integer indices in {@code [0,
 * num_tokens)} as {@code one_hot}, {@code multi_hot} (default) or {@code count} rows.
 *
 * <pre>{@code
 * jshell> categoryEncoding(4, "multi_hot").apply(Tensor.of(new float[][] {{0, 1}, {0, 0}, {1, 2}, {3, 1}}))
 * $1 ==> [[1, 1, 0, 0], [1, 0, 0, 0], [0, 1, 1, 0], [0, 1, 0, 1]]
 * }</pre>
 */
public final class CategoryEncoding extends CategoricalFeed {
  private final int numTokens;

  /**
   * Encodes indices over {@code numTokens} classes.
   *
   * @param numTokens the number of classes; indices must be in {@code [0, numTokens)}
   * @param outputMode {@code one_hot}, {@code multi_hot} or {@code count}
   * @throws IllegalArgumentException for {@code numTokens < 1} or another output mode
   */
  public CategoryEncoding(int numTokens, String outputMode) {
    super("CategoryEncoding", outputMode, List.of("one_hot", "multi_hot", "count"));
    checkArgument(numTokens >= 1, "CategoryEncoding", "num_tokens", numTokens);
    this.numTokens = numTokens;
  }

  @Override
  protected int depth() {
    return numTokens;
  }

  @Override
  protected int[] indices(Object batch, Shape[] shape) {
    Tensor t = tensor(batch);
    shape[0] = t.shape();
    int[] ids = new int[t.size()];
    for (int i = 0; i < ids.length; i++) {
      float v = t.getFlat(i);
      if (v < 0 || v >= numTokens || v != Math.rint(v)) {
        throw new IllegalArgumentException(
            "Layer \""
                + name()
                + "\": input values must be in the range 0 <= values < num_tokens with num_tokens="
                + numTokens
                + "; received "
                + v
                + " at flat position "
                + i);
      }
      ids[i] = (int) v;
    }
    return ids;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("num_tokens", numTokens);
    return c;
  }
}
