package dev.graft.dsl.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.Model;
import dev.graft.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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
    // model.json's trainingConfig: Adam(0.001, 0.9, 0.999, 1e-7), binary_crossentropy, accuracy.
    Map<String, Object> cc = m.compileConfig();
    assertNotNull(cc, "the model comes back compiled");
    Map<?, ?> opt = (Map<?, ?>) cc.get("optimizer");
    assertEquals("Adam", opt.get("class_name"));
    Map<?, ?> oc = (Map<?, ?>) opt.get("config");
    assertEquals(0.001, ((Number) oc.get("learning_rate")).doubleValue(), 1e-9);
    assertEquals(0.9, ((Number) oc.get("beta_1")).doubleValue(), 1e-7);
    assertEquals(0.999, ((Number) oc.get("beta_2")).doubleValue(), 1e-7);
    assertEquals(1e-7, ((Number) oc.get("epsilon")).doubleValue(), 1e-12);
    assertEquals(0.001f, m.optimizer().learningRate());
    assertEquals("binary_crossentropy", cc.get("loss"));
    assertEquals(List.of("accuracy"), cc.get("metrics"));
    // The loss and metric really in use: evaluate gives TensorFlow.js's loss and accuracy.
    Map<?, ?> step = (Map<?, ?>) c.get("train_step");
    double[] lossAcc = m.evaluate(inputs, Fixtures.tensor(step.get("labels")));
    double tfjsLoss = ((Number) step.get("loss")).doubleValue();
    assertEquals(tfjsLoss, lossAcc[0], 1e-5 + 1e-4 * Math.abs(tfjsLoss), seed + " loss");
    assertEquals(((Number) step.get("accuracy")).doubleValue(), lossAcc[1], 1e-9, seed + " acc");
  }

  /** TensorFlow.js writes camelCase optimizer settings; values other than the defaults load. */
  @Test
  void camelCaseOptimizerSettingsLoad(@TempDir Path tmp) throws Exception {
    Path dir = Fixtures.shared("reference/models/seed3_average_ensemble");
    String json = Files.readString(dir.resolve("model.json"));
    String changed =
        json.replaceAll("\"learningRate\":\\s*0.001", "\"learningRate\": 0.0125")
            .replaceAll("\"beta1\":\\s*0.9,", "\"beta1\": 0.8,")
            .replaceAll("\"loss\":\\s*\"binary_crossentropy\"", "\"loss\": \"mean_squared_error\"");
    assertNotEquals(json, changed, "the fixture's trainingConfig was found");
    Files.writeString(tmp.resolve("model.json"), changed);
    Files.copy(dir.resolve("weights.bin"), tmp.resolve("weights.bin"));
    Model m = Model.load(tmp.resolve("model.json"));
    assertEquals(0.0125f, m.optimizer().learningRate());
    Map<?, ?> oc = (Map<?, ?>) ((Map<?, ?>) m.compileConfig().get("optimizer")).get("config");
    assertEquals(0.8, ((Number) oc.get("beta_1")).doubleValue(), 1e-7);
    assertEquals("mean_squared_error", m.compileConfig().get("loss"));
  }
}
