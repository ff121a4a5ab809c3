package dev.graft.dsl.plot;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.History;
import dev.graft.dsl.Model;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

/** Model and training pictures: well-formed, naming what they draw, nested models as boxes. */
class PlotTest {
  @TempDir Path dir;

  private static Model merged() {
    var a = input(8);
    Model left = model(a, dense(4).name("left_dense").on(a));
    left.name("left");
    left.trainable(false);
    var b = input(8);
    Model right = model(b, dense(4).name("right_dense").on(b));
    right.name("right");
    var x = input("x", 8);
    var out = dense(1).name("head").on(concatenate(left.on(x), right.on(x)));
    return model(x, out);
  }

  private static Document parse(String xml) throws Exception {
    return DocumentBuilderFactory.newInstance()
        .newDocumentBuilder()
        .parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void modelSvgDrawsNestedModelsAsBoxesAroundTheirLayers() throws Exception {
    Model m = merged();
    m.plot(dir.resolve("model.svg").toString());
    String svg = Files.readString(dir.resolve("model.svg"));
    Document doc = parse(svg);
    assertEquals("svg", doc.getDocumentElement().getNodeName());
    for (String name : List.of("left_dense (Dense)", "right_dense (Dense)", "head (Dense)")) {
      assertTrue(svg.contains(name), name);
    }
    assertTrue(svg.contains("left (Functional) 36 params, frozen"), svg);
    assertTrue(svg.contains("(None, 8)"));
    // 2 nested boxes + inner input and dense of each + x, concatenate, head.
    assertEquals(2 + 4 + 3, doc.getElementsByTagName("rect").getLength() - 1);
  }

  @Test
  void modelDotHasAClusterPerNestedModel() throws Exception {
    Model m = merged();
    m.plot(dir.resolve("model.dot").toString());
    String dot = Files.readString(dir.resolve("model.dot"));
    assertTrue(dot.startsWith("digraph"));
    assertEquals(2, dot.split("subgraph cluster_", -1).length - 1, dot);
    assertTrue(dot.contains("label=\"left (Functional) frozen\""), dot);
    // Every edge ends at a declared node.
    assertTrue(dot.lines().filter(l -> l.contains("->")).count() >= 6, dot);
  }

  @Test
  void plotRejectsUnknownFormats() {
    var e = assertThrows(IllegalArgumentException.class, () -> merged().plot(dir + "/model.png"));
    assertTrue(e.getMessage().contains(".svg, .dot or .gv"), e.getMessage());
  }

  @Test
  void trainingSvgHasAPanelPerQuantityAndACurvePerRun() throws Exception {
    History a = new History();
    History b = new History();
    for (int e = 0; e < 4; e++) {
      a.record(e, Map.of("loss", 1.0 / (e + 1), "accuracy", 0.5 + 0.1 * e));
      b.record(e, Map.of("loss", 0.9 / (e + 1), "accuracy", 0.55 + 0.1 * e, "val_loss", 1.0));
    }
    History.plot(Map.of("cnn", a, "lstm", b), dir.resolve("runs.svg").toString());
    String svg = Files.readString(dir.resolve("runs.svg"));
    Document doc = parse(svg);
    assertEquals(5, doc.getElementsByTagName("polyline").getLength());
    assertTrue(svg.contains(">loss<") && svg.contains(">accuracy<") && svg.contains(">lstm<"));
    a.plot(dir.resolve("one.svg").toString());
    assertTrue(Files.size(dir.resolve("one.svg")) > 0);
  }

  @Test
  void oneEpochIsDrawnAsPoints() throws Exception {
    History h = new History();
    h.record(0, Map.of("loss", 0.7));
    Document doc = parse(TrainingPlot.svg(new Curves(h.epochs(), h.history())));
    assertEquals(1, doc.getElementsByTagName("circle").getLength());
  }

  @Test
  void niceStepsAreOneTwoOrFiveTimesAPowerOfTen() {
    assertEquals(0.05, TrainingPlot.niceStep(0.031), 1e-12);
    assertEquals(0.2, TrainingPlot.niceStep(0.15), 1e-12);
    assertEquals(1.0, TrainingPlot.niceStep(1.0), 1e-12);
  }
}
