package dev.graft.module;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Graft on the module path, as an application with a {@code module-info.java} uses it: a module
 * {@code demo} that {@code requires dev.graft} compiles against this module and runs in a fresh JVM
 * (with and without the Vector API's incubator module): a functional model and a subclassed one
 * (whose package the application opens to Graft) train, save and load.
 */
class ModulePathTest {
  private static final String MODULE_INFO =
      "module demo { requires dev.graft; opens demo to dev.graft; }\n";

  private static final String MAIN =
      String.join(
          "\n",
          "package demo;",
          "import static dev.graft.dsl.Graft.*;",
          "import dev.graft.dsl.*;",
          "import dev.graft.tensor.*;",
          "import java.util.List;",
          "public class Main {",
          "  static class Head extends Model {",
          "    final Layer hidden = dense(8).activation(\"relu\");",
          "    final Layer out = dense(1).activation(\"sigmoid\");",
          "    @Override public SymbolicTensor call(List<SymbolicTensor> in) {",
          "      return out.on(hidden.on(in.get(0)));",
          "    }",
          "  }",
          "  public static void main(String[] args) throws Exception {",
          "    Graft.seed(1);",
          "    var in = input(4);",
          "    Model m = model(in, dense(1).activation(\"sigmoid\").on(dense(8).on(in)));",
          "    m.compile(adam(), \"binary_crossentropy\", \"accuracy\");",
          "    Tensor x = Tensor.rand(new Rng(2), 64, 4);",
          "    Tensor y = Tensor.randint(new Rng(3), 0, 2, 64, 1);",
          "    m.fit(x, y, FitOptions.epochs(2).verbose(0));",
          "    java.nio.file.Path f = java.nio.file.Path.of(args[0], \"m.keras\");",
          "    m.save(f);",
          "    Model back = Model.load(f);",
          "    float a = m.predict(x).array()[0], b = back.predict(x).array()[0];",
          "    if (a != b) throw new AssertionError(a + \" != \" + b);",
          "    Head h = new Head();",
          "    h.compile(adam(), \"binary_crossentropy\");",
          "    h.fit(x, y, FitOptions.epochs(1).verbose(0));",
          "    System.out.println(\"ok \" + h.countParams());",
          "  }",
          "}",
          "");

  /**
   * The jars this module needs at run time: the jars of the test's class and module paths but
   * Graft's own four (their classes are this module's).
   */
  private static String modulePath() {
    List<String> parts = new ArrayList<>();
    parts.add(Paths.get("target", "classes").toAbsolutePath().toString());
    String seen =
        System.getProperty("java.class.path", "")
            + File.pathSeparator
            + System.getProperty("jdk.module.path", "");
    for (String e : seen.split(File.pathSeparator)) {
      if (e.isEmpty() || parts.contains(e)) {
        continue;
      }
      String name = Paths.get(e).getFileName().toString();
      if (e.endsWith(".jar") && !name.startsWith("graft-") && !name.startsWith("junit-")) {
        parts.add(e);
      }
    }
    return String.join(File.pathSeparator, parts);
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void aModularApplicationTrainsSavesAndLoads(boolean vectorModule, @TempDir Path dir)
      throws Exception {
    Path src = dir.resolve("src/demo");
    Files.createDirectories(src);
    Files.writeString(dir.resolve("src/module-info.java"), MODULE_INFO);
    Files.writeString(src.resolve("Main.java"), MAIN);
    Path classes = dir.resolve("classes");
    String[] compiled =
        run(
            List.of(
                tool("javac"),
                "--module-path",
                modulePath(),
                "-d",
                classes.toString(),
                dir.resolve("src/module-info.java").toString(),
                src.resolve("Main.java").toString()));
    assertEquals("0", compiled[0], "the demo module compiles against dev.graft: " + compiled[1]);
    List<String> cmd = new ArrayList<>();
    cmd.add(tool("java"));
    cmd.add("--module-path");
    cmd.add(classes + File.pathSeparator + modulePath());
    // As docs/install.md says: jhdf is an automatic module that needs slf4j and commons-lang3, and
    // OpenBLAS's natives are in JavaCPP's platform modules, which nothing requires by name.
    cmd.add("--add-modules");
    cmd.add("ALL-MODULE-PATH" + (vectorModule ? ",jdk.incubator.vector" : ""));
    cmd.add("--enable-native-access=ALL-UNNAMED");
    cmd.add("-m");
    cmd.add("demo/demo.Main");
    cmd.add(dir.toString());
    String[] ran = run(cmd);
    assertEquals("0", ran[0], ran[1]);
    assertTrue(ran[1].contains("ok 49"), ran[1]);
    assertFalse(ran[1].contains("OpenBLAS is unavailable"), "OpenBLAS loads: " + ran[1]);
    // dev.graft loads its Vector API kernels by name from a package it does not export.
    assertFalse(ran[1].contains("Vector API kernels"), "the vector kernels load: " + ran[1]);
  }

  private static String tool(String name) {
    return Paths.get(System.getProperty("java.home"), "bin", name).toString();
  }

  /** Exit code and output of a child process, which must end within two minutes. */
  private static String[] run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out;
    try (var r = p.inputReader(StandardCharsets.UTF_8)) {
      out = r.lines().collect(Collectors.joining("\n"));
    }
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finishes: " + cmd);
    return new String[] {String.valueOf(p.exitValue()), out};
  }
}
