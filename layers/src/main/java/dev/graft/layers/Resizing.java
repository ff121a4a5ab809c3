package dev.graft.layers;

import dev.graft.autograd.Node;
import dev.graft.dsl.Layer;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.List;
import java.util.Map;

/**
 * Keras's {@code Resizing(height, width, interpolation, crop_to_aspect_ratio)}: {@code (N, H, W,
 * C)} images resized to {@code (N, height, width, C)} as TensorFlow's {@code tf.image.resize}
 * (half-pixel centres, no antialiasing): {@code bilinear} (default) or {@code nearest}; with {@code
 * crop_to_aspect_ratio}, the largest centred window of the target's aspect ratio is resized. It
 * runs on the data before the model's numeric graph (see {@link FeedEncoder}), so it takes a model
 * input; {@link #apply} resizes outside a model.
 */
public final class Resizing extends Layer implements FeedEncoder {
  private final int height;
  private final int width;
  private final String interpolation;
  private boolean cropToAspectRatio;

  /**
   * Resizes to {@code height x width} with {@code "bilinear"} or {@code "nearest"} interpolation.
   *
   * @param height the output height in pixels
   * @param width the output width in pixels
   * @param interpolation {@code bilinear} or {@code nearest}
   * @throws IllegalArgumentException for a non-positive size or another interpolation
   */
  public Resizing(int height, int width, String interpolation) {
    checkArgument(height > 0, "Resizing", "height", height);
    checkArgument(width > 0, "Resizing", "width", width);
    checkArgument(
        "bilinear".equals(interpolation) || "nearest".equals(interpolation),
        "Resizing",
        "interpolation",
        interpolation);
    this.height = height;
    this.width = width;
    this.interpolation = interpolation;
  }

  /**
   * Keras's {@code crop_to_aspect_ratio}: crop the centre to the target's aspect ratio first.
   *
   * @param crop true to crop before resizing, keeping the aspect ratio
   * @return this layer, for chaining
   */
  public Resizing cropToAspectRatio(boolean crop) {
    requireUnbuilt("crop_to_aspect_ratio");
    this.cropToAspectRatio = crop;
    return this;
  }

  @Override
  public List<Shape> outputShapes(List<Shape> in) {
    if (in.size() != 1 || in.get(0).rank() != 4) {
      throw incompatible(0, "images of rank 4 (batch, height, width, channels)", in.get(0));
    }
    return List.of(in.get(0).withDim(1, height).withDim(2, width));
  }

  @Override
  public List<Node> call(CallContext ctx, List<Node> inputs) {
    throw FeedEncoder.notInGraph(this);
  }

  /**
   * Keras's {@code layer(images)} outside a model.
   *
   * @param images a batch {@code (N, H, W, C)}
   * @return a new tensor {@code (N, height, width, C)}
   */
  public Tensor apply(Tensor images) {
    return encode(images);
  }

  @Override
  public Tensor encode(Object batch) {
    if (!(batch instanceof Tensor t) || t.rank() != 4) {
      throw new IllegalArgumentException(
          "Layer \""
              + name()
              + "\" takes a Tensor of images (batch, height, width, channels); received "
              + (batch instanceof Tensor t ? "shape " + t.shape() : String.valueOf(batch)));
    }
    int n = t.shape().dim(0);
    int h = t.shape().dim(1);
    int w = t.shape().dim(2);
    int c = t.shape().dim(3);
    int top = 0;
    int left = 0;
    int ch = h;
    int cw = w;
    if (cropToAspectRatio) {
      ch = Math.max(Math.min(h, (int) ((double) w * height / width)), 1);
      cw = Math.max(Math.min(w, (int) ((double) h * width / height)), 1);
      top = (int) ((h - ch) / 2.0);
      left = (int) ((w - cw) / 2.0);
    }
    float[] in = t.toArray();
    float[] out = new float[n * height * width * c];
    float sy = (float) ch / height;
    float sx = (float) cw / width;
    boolean nearest = interpolation.equals("nearest");
    for (int b = 0; b < n; b++) {
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          int o = ((b * height + y) * width + x) * c;
          if (nearest) {
            int iy = top + Math.min((int) Math.floor((y + 0.5f) * sy), ch - 1);
            int ix = left + Math.min((int) Math.floor((x + 0.5f) * sx), cw - 1);
            System.arraycopy(in, ((b * h + iy) * w + ix) * c, out, o, c);
            continue;
          }
          float fy = (y + 0.5f) * sy - 0.5f;
          float fx = (x + 0.5f) * sx - 0.5f;
          float y0f = (float) Math.floor(fy);
          float x0f = (float) Math.floor(fx);
          int y0 = top + Math.max((int) y0f, 0);
          int y1 = top + Math.min((int) Math.ceil(fy), ch - 1);
          int x0 = left + Math.max((int) x0f, 0);
          int x1 = left + Math.min((int) Math.ceil(fx), cw - 1);
          float ly = fy - y0f;
          float lx = fx - x0f;
          for (int k = 0; k < c; k++) {
            float tl = in[((b * h + y0) * w + x0) * c + k];
            float tr = in[((b * h + y0) * w + x1) * c + k];
            float bl = in[((b * h + y1) * w + x0) * c + k];
            float br = in[((b * h + y1) * w + x1) * c + k];
            float topRow = tl + (tr - tl) * lx;
            float bottomRow = bl + (br - bl) * lx;
            out[o + k] = topRow + (bottomRow - topRow) * ly;
          }
        }
      }
    }
    return Tensor.wrap(out, n, height, width, c);
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("height", height);
    c.put("width", width);
    c.put("interpolation", interpolation);
    c.put("crop_to_aspect_ratio", cropToAspectRatio);
    c.put("pad_to_aspect_ratio", false);
    c.put("fill_mode", "constant");
    c.put("fill_value", 0.0);
    c.put("antialias", false);
    c.put("data_format", "channels_last");
    return c;
  }
}
