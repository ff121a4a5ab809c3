package dev.graft.dsl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The dependency directions ARCHITECTURE.md states for the dsl packages ("Which way the dsl
 * packages depend"): {@code plot} and {@code data} need nothing that knows {@code Model}, and the
 * model-free file formats of {@code io} (which {@code data} reads {@code .npy} files through) use
 * only each other. Read from the sources, comments left out, so a new import that would close an
 * import cycle again fails here, naming the file and the reference.
 */
class PackageDependenciesTest {
  private static final Path SOURCES = Path.of("src/main/java/dev/graft/dsl");
  private static final Pattern QUALIFIED = Pattern.compile("dev\\.graft\\.[a-z.]*[A-Z]\\w*");
  private static final Pattern COMMENTS = Pattern.compile("/\\*.*?\\*/|//[^\\n]*", Pattern.DOTALL);

  /** The io classes that know no model, so that data can use them. */
  private static final Set<String> MODEL_FREE_IO =
      Set.of(
          "Npy",
          "FileReads",
          "AtomicFiles",
          "ModelFileException",
          "Folders",
          "Json",
          "H5",
          "Checksums",
          "Cfg");

  private static List<Path> javaFiles(String pkg) throws IOException {
    try (Stream<Path> s = Files.list(SOURCES.resolve(pkg))) {
      return s.filter(p -> p.toString().endsWith(".java"))
          .filter(p -> !p.getFileName().toString().equals("package-info.java"))
          .sorted()
          .toList();
    }
  }

  private static String code(Path file) throws IOException {
    return COMMENTS.matcher(Files.readString(file)).replaceAll(" ");
  }

  /** Every qualified dev.graft reference of the package's files that no allowed prefix covers. */
  private static List<String> refused(String pkg, List<String> allowed) throws IOException {
    List<String> out = new ArrayList<>();
    for (Path f : javaFiles(pkg)) {
      Matcher m = QUALIFIED.matcher(code(f));
      while (m.find()) {
        String ref = m.group();
        if (allowed.stream().noneMatch(ref::startsWith)) {
          out.add(f.getFileName() + ": " + ref);
        }
      }
    }
    return out;
  }

  @Test
  void plotNeedsNothingFromTheModelClasses() throws IOException {
    assertTrue(javaFiles("plot").size() > 3);
    assertEquals(List.of(), refused("plot", List.of("dev.graft.dsl.plot.")));
  }

  @Test
  void dataNeedsOnlyTensorsAndTheModelFreeFileFormats() throws IOException {
    List<String> allowed = new ArrayList<>(List.of("dev.graft.tensor.", "dev.graft.dsl.data."));
    MODEL_FREE_IO.forEach(c -> allowed.add("dev.graft.dsl.io." + c));
    assertEquals(List.of(), refused("data", allowed));
  }

  @Test
  void theModelFreeFileFormatsUseOnlyEachOther() throws IOException {
    Set<String> io = new TreeSet<>();
    for (Path f : javaFiles("io")) {
      io.add(f.getFileName().toString().replace(".java", ""));
    }
    assertTrue(io.containsAll(MODEL_FREE_IO), "missing: " + MODEL_FREE_IO + " in " + io);
    List<String> out = new ArrayList<>();
    for (String c : MODEL_FREE_IO) {
      String code = code(SOURCES.resolve("io/" + c + ".java"));
      Matcher m = QUALIFIED.matcher(code);
      while (m.find()) {
        if (!m.group().startsWith("dev.graft.tensor.")) {
          out.add(c + ": " + m.group());
        }
      }
      for (String other : io) {
        if (!MODEL_FREE_IO.contains(other)
            && Pattern.compile("\\b" + other + "\\b").matcher(code).find()) {
          out.add(c + ": " + other);
        }
      }
    }
    assertEquals(List.of(), out);
  }
}
