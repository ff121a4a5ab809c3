package dev.graft.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.graft.dsl.io.ModelIO;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every layer case of {@code keras-reference/layers} and {@code wave2/layers} (TensorFlow.js's
 * Keras port, see its FORMAT.md): the layer is built from its Keras config by the loader users get
 * ({@link dev.graft.dsl.io.ModelIO#layerFromConfig}), given the stored weights, and its forward
 * output and the gradients of {@code sum(output * R)} with respect to every input and weight must
 * match within {@code 1e-5 + 1e-4 * |want|}. The worst error per case is printed.
 */
class LayerReferenceTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The reference folder: the project's copy of {@code ../shared/reference/layers} in the test
   * resources ({@code keras-reference/layers}, kept in step by {@code scripts/sync-reference.sh}).
   */
  static Path referenceDir() {
    return referenceRoot().resolve("layers");
  }

  private static Path referenceRoot() {
    URL url = LayerReferenceTest.class.getResource("/keras-reference/FORMAT.md");
    if (url == null) {
      throw new IllegalStateException(
          "keras-reference/ is missing from the test resources: run scripts/sync-reference.sh");
    }
    try {
      return Path.of(url.toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @TestFactory
  Stream<DynamicTest> everyReferenceCaseMatches() throws IOException {
    Path dir = referenceDir();
    List<Path> files = cases(dir);
    assertTrue(files.size() >= 22, "expected the reference cases in " + dir + "; got " + files);
    Path wave2 = referenceRoot().resolve("wave2").resolve("layers");
    List<Path> more = cases(wave2);
    assertTrue(more.size() >= 35, "expected the wave-2 cases in " + wave2 + "; got " + more);
    return Stream.concat(files.stream(), more.stream())
        .map(f -> DynamicTest.dynamicTest(f.getFileName().toString(), () -> check(f)));
  }

  private static List<Path> cases(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".json")).sorted().toList();
    }
  }

  private static void check(Path file) throws IOException {
    JsonNode c = JSON.readTree(file.toFile());
    String name = c.get("case").asText();
    Layer layer = ModelIO.layerFromConfig(JSON.writeValueAsString(c.get("layer")));
    List<Tensor> inputs = new ArrayList<>();
    List<Shape> shapes = new ArrayList<>();
    List<Boolean> floats = new ArrayList<>();
    for (JsonNode in : c.get("inputs")) {
      Tensor t = tensor(in);
      inputs.add(t);
      shapes.add(t.shape());
      floats.add("float32".equals(in.get("dtype").asText()));
    }
    layer.ensureBuilt(shapes);
    List<Tensor> weights = new ArrayList<>();
    for (JsonNode w : c.get("weights")) {
      weights.add(tensor(w));
    }
    layer.setWeights(weights);
    // The cases hold the gradient of every weight, the non-trainable moving statistics' too.
    for (dev.graft.autograd.Variable v : layer.weights()) {
      v.trainable(true);
    }
    Tensor want = tensor(c.get("output"));
    assertEquals(List.of(want.shape()), layer.outputShapes(shapes), name + ": inferred shape");

    boolean[] differentiable = new boolean[floats.size()];
    for (int i = 0; i < differentiable.length; i++) {
      differentiable[i] = floats.get(i);
    }
    LayerHarness run = new LayerHarness(layer, inputs, differentiable, tensor(c.get("R")), false);
    List<Tensor> grads = run.gradients();
    Worst worst = new Worst(name);
    worst.compare("output", run.output(), want);
    int k = 0;
    JsonNode gradInputs = c.get("grads").get("inputs");
    for (int i = 0; i < inputs.size(); i++) {
      if (floats.get(i)) {
        worst.compare("d input_" + i, grads.get(k++), tensor(gradInputs.get(i)));
      }
    }
    JsonNode gradWeights = c.get("grads").get("weights");
    for (int i = 0; i < layer.weights().size(); i++) {
      worst.compare(
          "d " + gradWeights.get(i).get("name").asText(),
          grads.get(k++),
          tensor(gradWeights.get(i)));
    }
    System.out.printf(
        "reference %-26s worst |got-want| = %.3g (%s)%n", name, worst.error, worst.where);
    assertTrue(worst.failure == null, worst.failure);
  }

  /** The worst absolute error seen, and the first element outside the tolerance. */
  private static final class Worst {
    final String name;
    double error;
    String where = "-";
    String failure;

    Worst(String name) {
      this.name = name;
    }

    void compare(String what, Tensor got, Tensor want) {
      assertEquals(want.shape(), got.shape(), name + ": shape of " + what);
      for (int e = 0; e < want.size(); e++) {
        double w = want.getFlat(e);
        double d = Math.abs(got.getFlat(e) - w);
        if (d > error) {
          error = d;
          where = what + "[" + e + "]";
        }
        if (failure == null && !(d <= 1e-5 + 1e-4 * Math.abs(w))) {
          failure =
              name + ": " + what + " element " + e + ": got " + got.getFlat(e) + ", want " + w;
        }
      }
    }
  }

  /** A tensor record {@code {shape, dtype, data}}: floats parsed as double, cast to float. */
  static Tensor tensor(JsonNode record) {
    JsonNode shape = record.get("shape");
    int[] dims = new int[shape.size()];
    for (int i = 0; i < dims.length; i++) {
      dims[i] = shape.get(i).asInt();
    }
    JsonNode data = record.get("data");
    float[] v = new float[data.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) data.get(i).asDouble();
    }
    return Tensor.of(v, dims);
  }
}
