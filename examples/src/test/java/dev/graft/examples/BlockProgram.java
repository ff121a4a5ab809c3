package dev.graft.examples;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.Completeness;

/**
 * A README or guide block made into a Java program: statements go into a {@code main} method of a
 * class of their own (after the block's imports, or the shell's for a shell block, whose statements
 * are split as jshell splits them), a block that is a whole class stays as it is. Errors are
 * reported at lines of the block's file.
 */
final class BlockProgram {
  private final ReadmeBlock block;
  private final String className;
  private final List<String> source = new ArrayList<>();

  /** Line in the block's file of each source line (0 for lines the wrapper adds). */
  private final List<Integer> readmeLine = new ArrayList<>();

  BlockProgram(ReadmeBlock block, List<String> shellImports, SourceCodeAnalysis jshell) {
    this.block = block;
    String main = block.mainClass();
    this.className = main != null ? main : "ReadmeBlockAtLine" + block.firstLine();
    List<String> lines = block.lines();
    if (main != null) {
      for (int i = 0; i < lines.size(); i++) {
        add(lines.get(i), block.firstLine() + i);
      }
      return;
    }
    // Imports keep their place; the statements after them become the body of main.
    int body = 0;
    while (body < lines.size()
        && (lines.get(body).isBlank() || block.imports().contains(lines.get(body).strip()))) {
      add(lines.get(body), block.firstLine() + body);
      body++;
    }
    if (block.usesShellImports()) {
      shellImports.forEach(i -> add(i, 0));
    }
    add("public class " + className + " {", 0);
    add("public static void main(String[] args) throws Exception {", 0);
    if (block.usesShellImports()) {
      addAsJshellReadsThem(lines, body, jshell);
    } else {
      for (int i = body; i < lines.size(); i++) {
        add(lines.get(i), block.firstLine() + i);
      }
    }
    add("}}", 0);
  }

  /**
   * Adds the block's statements split where jshell splits them: jshell reads line by line and ends
   * a statement at the first line that completes it, adding the semicolon, so a line that begins
   * with {@code .} after a complete line is an error there and must be one here.
   */
  private void addAsJshellReadsThem(List<String> lines, int from, SourceCodeAnalysis jshell) {
    String pending = "";
    for (int i = from; i < lines.size(); i++) {
      add(lines.get(i), block.firstLine() + i);
      String rest = pending + lines.get(i) + "\n";
      boolean addSemicolon = false;
      while (true) {
        SourceCodeAnalysis.CompletionInfo info = jshell.analyzeCompletion(rest);
        if (!info.completeness().isComplete()) {
          pending = rest;
          break;
        }
        addSemicolon = info.completeness() == Completeness.COMPLETE_WITH_SEMI;
        rest = info.remaining();
        if (rest.isBlank()) {
          pending = "";
          break;
        }
      }
      if (addSemicolon) {
        add(";", block.firstLine() + i);
      }
    }
  }

  private void add(String line, int readme) {
    source.add(line);
    readmeLine.add(readme);
  }

  /**
   * Compiles the program into {@code out} against {@code classPath} with lint warnings as errors;
   * returns the diagnostics at lines of the block's file, or null when it compiled.
   */
  String compile(Path out, String classPath) throws IOException {
    Path file = out.resolve(className + ".java");
    Files.write(file, source, StandardCharsets.UTF_8);
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, null)) {
      List<String> options =
          List.of(
              "-classpath", classPath, "-d", out.toString(), "-proc:none", "-Xlint:all", "-Werror");
      StringWriter log = new StringWriter();
      boolean ok =
          javac
              .getTask(log, files, diagnostics, options, null, files.getJavaFileObjects(file))
              .call();
      if (ok) {
        return null;
      }
      StringBuilder report = new StringBuilder();
      for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
        if (d.getLineNumber() != Diagnostic.NOPOS) {
          report.append(at((int) d.getLineNumber())).append(": ");
        }
        report
            .append(d.getKind().toString().toLowerCase(Locale.ROOT))
            .append(": ")
            .append(d.getMessage(Locale.ROOT))
            .append('\n');
      }
      return report.append(log).toString();
    }
  }

  /**
   * Runs the compiled program in a JVM of its own whose working directory is {@code workDir} (as a
   * user runs a copied block in a fresh folder); returns its output with stack frames at lines of
   * the block's file when it fails or outlives {@code timeoutSeconds}, or null when it exits
   * normally.
   */
  String run(Path classes, String classPath, Path workDir, long timeoutSeconds)
      throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path log = workDir.resolve("block-output.txt");
    Process process =
        new ProcessBuilder(
                java.toString(),
                "-Xmx1g",
                "-cp",
                classes + File.pathSeparator + classPath,
                className)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean ended = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    if (!ended) {
      process.destroyForcibly().waitFor();
    }
    String output = Files.readString(log);
    if (ended && process.exitValue() == 0) {
      return null;
    }
    String why =
        ended ? "exit code " + process.exitValue() : "still running after " + timeoutSeconds + " s";
    return why + "\n" + atReadmeLines(lastLines(output, 60));
  }

  private static String lastLines(String text, int n) {
    List<String> lines = text.lines().toList();
    return (lines.size() > n ? "...\n" : "")
        + String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()));
  }

  /** Replaces {@code (Class.java:N)} in stack traces with the line of the block's file. */
  private String atReadmeLines(String output) {
    Matcher m = Pattern.compile("\\(" + className + "\\.java:(\\d+)\\)").matcher(output);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(
          sb, Matcher.quoteReplacement("(" + at(Integer.parseInt(m.group(1))) + ")"));
    }
    return m.appendTail(sb).toString();
  }

  private String at(int sourceLine) {
    int i = sourceLine - 1;
    if (i >= 0 && i < readmeLine.size() && readmeLine.get(i) > 0) {
      return block.file() + ":" + readmeLine.get(i);
    }
    return "wrapper line "
        + sourceLine
        + " of the block starting at "
        + block.file()
        + ":"
        + block.firstLine();
  }
}
