package dev.graft.dsl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.Model;
import dev.graft.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The three seed models saved by TensorFlow.js load and predict what TensorFlow.js predicted. */
class TfjsImportTest {
  @ParameterizedTest
  @ValueSource(
      strings = {"seed1_functional_merge", "seed2_subclassed_merge", "seed3_average_ensemble"})
  void seedModelPredictsLikeTfjs(String seed) throws Exception {
    Path dir = Fixtures.shared("reference/models/" + seed);
    Model m = Model.load(dir.resolve("model.json"));
    Map<?, ?> c = (Map<?, ?>) Json.parse(Files.readString(dir.resolve("case.json")));
    assertEquals(((Number) c.get("param_count")).longValue(), m.countParams());
    List<Tensor> inputs = new ArrayList<>();
    for (Object rec : (List<?>) c.get("inputs")) {
      inputs.add(Fixtures.tensor(rec));
    }
    Tensor want = Fixtures.tensor(c.get("predictions"));
    Tensor got = m.predict(inputs).get(0);
    double d = Fixtures.maxDiff(got, want);
    assertTrue(d <= 1e-5, seed + ": max |diff| = " + d);
    assertEquals("adam", m.compileConfig() == null ? null : "adam");
  }
}
