package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.autograd.Node;
import dev.graft.autograd.Variable;
import dev.graft.autograd.ops.Mul;
import dev.graft.dsl.io.ModelFileException;
import dev.graft.dsl.io.ModelIO;
import dev.graft.layers.CallContext;
import dev.graft.layers.Initializers;
import dev.graft.layers.SingleInput;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's custom layer: written in Java, registered, saved and loaded back with its weight.
 */
class CustomLayerTest {
  /** A learned scale per feature (Keras: a subclass of {@code keras.layers.Layer}). */
  static final class FeatureScale extends SingleInput {
    private Variable scale;

    @Override
    protected void build(List<Shape> in) {
      Shape x = in.get(0);
      scale = addWeight("scale", Shape.of(x.dim(x.rank() - 1)), Initializers.ones(), true, null);
    }

    @Override
    protected Shape outputShape(Shape in) {
      return in;
    }

    @Override
    protected Node call(CallContext ctx, Node x) {
      return Mul.of(x, read(ctx, scale));
    }
  }

  @Test
  void aRegisteredCustomLayerSavesLoadsAndTrains(@TempDir Path dir) {
    ModelIO.registerLayer("FeatureScale", config -> new FeatureScale());
    var in = input(4);
    Model m = model(in, dense(1).on(new FeatureScale().on(in)));
    m.compile(sgd(0.1, 0, false), "mse");
    Tensor x = Tensor.rand(new Rng(1), 16, 4);
    Tensor y = Tensor.rand(new Rng(2), 16, 1);
    m.fit(x, y, epochs(2).batchSize(8).verbose(0));
    Tensor scale = m.getLayer("feature_scale").getWeights().get(0);
    assertTrue(scale.get(0) != 1f, "the custom weight trains");
    Path file = dir.resolve("custom.keras");
    m.save(file);
    Model again = Model.load(file);
    assertTrue(again.getLayer("feature_scale") instanceof FeatureScale);
    assertTrue(maxDiff(m.predict(x), again.predict(x)) <= 1e-6, "same predictions after load");
  }

  @Test
  void anUnregisteredClassIsNamedWithTheFile(@TempDir Path dir) {
    var in = input(3);
    Model m = model(in, new Unknown().on(in));
    Path file = dir.resolve("unknown.keras");
    m.save(file);
    ModelFileException e = assertThrows(ModelFileException.class, () -> Model.load(file));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains("unknown layer class \"Unknown\""), e.getMessage());
  }

  /** A layer class no loader knows. */
  static final class Unknown extends SingleInput {
    @Override
    protected Shape outputShape(Shape in) {
      return in;
    }

    @Override
    protected Node call(CallContext ctx, Node x) {
      return x;
    }
  }

  private static double maxDiff(Tensor a, Tensor b) {
    double d = 0;
    for (int i = 0; i < a.size(); i++) {
      d = Math.max(d, Math.abs(a.getFlat(i) - b.getFlat(i)));
    }
    return d;
  }
}
