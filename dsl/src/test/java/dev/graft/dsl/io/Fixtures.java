package dev.graft.dsl.io;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Locates the shared reference files (read in place) and parses their tensor records. */
final class Fixtures {
  private Fixtures() {}

  /** The shared folder beside the project, or a skipped test when it is absent. */
  static Path shared(String sub) {
    Path base = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path p = base; p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared").resolve(sub);
      if (Files.exists(candidate)) {
        return candidate;
      }
    }
    assumeTrue(false, "../shared/" + sub + " is absent: skipping the test that reads it");
    return null;
  }

  /** A {@code {shape, data}} tensor record. */
  static Tensor tensor(Object record) {
    Map<?, ?> m = (Map<?, ?>) record;
    List<?> shape = (List<?>) m.get("shape");
    List<?> data = (List<?>) m.get("data");
    int[] dims = shape.stream().mapToInt(o -> ((Number) o).intValue()).toArray();
    float[] values = new float[data.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = (float) ((Number) data.get(i)).doubleValue();
    }
    return Tensor.wrap(values, 0, Shape.of(dims));
  }

  /** The largest absolute difference of two tensors of the same shape. */
  static double maxDiff(Tensor a, Tensor b) {
    if (!a.shape().equals(b.shape())) {
      throw new AssertionError("shapes differ: " + a.shape() + " vs " + b.shape());
    }
    double d = 0;
    for (int i = 0; i < a.size(); i++) {
      d = Math.max(d, Math.abs(a.getFlat(i) - b.getFlat(i)));
    }
    return d;
  }
}
