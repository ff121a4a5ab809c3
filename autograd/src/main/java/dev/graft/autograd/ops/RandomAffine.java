package dev.graft.autograd.ops;

import dev.graft.autograd.Args;
import dev.graft.autograd.Node;
import dev.graft.autograd.Op;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.layout.Affine2d;
import java.util.Arrays;
import java.util.List;

/**
 * One random 2x3 transform per image of {@code x (N, H, W, C)}, as {@code (N, 6)} for {@link
 * AffineSample}: drawn from the plan's generator in training, the identity in inference (Keras's
 * augmentation layers are active only in training). The images are read for their shape only, so no
 * gradient flows through here.
 */
public final class RandomAffine extends Op {
  /** Draws one transform for an image of {@code height x width}. */
  @FunctionalInterface
  public interface Sampler {
    /**
     * Writes the 6 floats {@code (m0..m5)} mapping output to input coordinates at {@code
     * m[offset..offset+5]}.
     *
     * @param rng the plan's random generator
     * @param height the image height in pixels
     * @param width the image width in pixels
     * @param m the array of transforms
     * @param offset where this image's 6 floats start in {@code m}
     */
    void sample(Rng rng, int height, int width, float[] m, int offset);
  }

  private final String name;
  private final Sampler sampler;

  private RandomAffine(String name, Sampler sampler) {
    this.name = name;
    this.sampler = sampler;
  }

  /**
   * Transforms for the images {@code x}, drawn by {@code sampler} ({@code name} for listings).
   *
   * @param x the images {@code (N, H, W, C)}
   * @param name the name shown in plan listings
   * @param sampler draws one image's transform
   * @return a node {@code (N, 6)} of transforms, drawn anew at each training run
   */
  public static Node of(Node x, String name, Sampler sampler) {
    return x.graph().apply(new RandomAffine(name, sampler), x);
  }

  @Override
  public String kind() {
    return "random_affine";
  }

  @Override
  public String attributes() {
    return name;
  }

  @Override
  public Shape outputShape(List<Shape> in) {
    Shapes.arity(kind(), in, 1);
    Shape x = in.get(0);
    if (x.rank() != 4) {
      throw shapeError("images must be (N, H, W, C); got " + x);
    }
    return Shape.of(x.dim(0), 6);
  }

  @Override
  public void forward(Args a) {
    Shape x = a.input(0).shape();
    float[] m = a.output().array();
    int off = a.output().offset();
    for (int b = 0; b < x.dim(0); b++) {
      if (a.training()) {
        sampler.sample(a.rng(), x.dim(1), x.dim(2), m, off + 6 * b);
      } else {
        Affine2d.identity(m, off + 6 * b);
      }
    }
  }

  @Override
  public List<Node> gradients(Node self, Node g) {
    return Arrays.asList((Node) null);
  }
}
