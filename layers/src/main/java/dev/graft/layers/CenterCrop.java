package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Slice;
import dev.graft.tensor.Shape;
import java.util.Map;

/**
 * Keras's {@code CenterCrop(height, width)}: the central {@code height x width} window of {@code
 * (N, H, W, C)} images, starting at row {@code (H - height) / 2} and column {@code (W - width) / 2}
 * (rounded down, as Keras). It runs inside the graph (gradients flow to the kept pixels). Keras
 * resizes images smaller than the window instead; Graft refuses them.
 */
public final class CenterCrop extends SingleInput {
  private final int height;
  private final int width;

  /**
   * Crops to {@code height x width}.
   *
   * @param height the output height in pixels
   * @param width the output width in pixels
   * @throws IllegalArgumentException for a non-positive size
   */
  public CenterCrop(int height, int width) {
    checkArgument(height > 0, "CenterCrop", "height", height);
    checkArgument(width > 0, "CenterCrop", "width", width);
    this.height = height;
    this.width = width;
  }

  @Override
  protected Shape outputShape(Shape in) {
    if (in.rank() != 4) {
      throw incompatible(0, "images of rank 4 (batch, height, width, channels)", in);
    }
    for (int a = 1; a <= 2; a++) {
      int want = a == 1 ? height : width;
      if (in.dim(a) != Shape.UNKNOWN && in.dim(a) < want) {
        throw incompatible(
            0,
            "images of at least "
                + height
                + "x"
                + width
                + " (Keras would resize smaller ones; Graft only crops)",
            in);
      }
      if (in.dim(a) == Shape.UNKNOWN) {
        throw incompatible(0, "a known height and width", in);
      }
    }
    return in.withDim(1, height).withDim(2, width);
  }

  @Override
  protected Node call(CallContext ctx, Node x) {
    Shape s = x.shape();
    Node rows = Slice.of(x, 1, (s.dim(1) - height) / 2, height);
    return Slice.of(rows, 2, (s.dim(2) - width) / 2, width);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("height", height);
    c.put("width", width);
    c.put("data_format", "channels_last");
    return c;
  }
}
