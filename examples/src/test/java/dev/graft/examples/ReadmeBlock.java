package dev.graft.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code ```java} block of the README or of a guide in {@code docs/}, as a user copies it: the
 * file it is in (as the project's root names it, e.g. {@code docs/guide-data.md}), the line its
 * code starts on, its text, and why it is only compiled (null when it also runs).
 *
 * <p>A block runs unless the line before its fence is {@code <!-- compile-only: reason -->}.
 */
public record ReadmeBlock(
    String file, int firstLine, List<String> lines, String compileOnlyReason) {
  private static final Pattern FENCE = Pattern.compile("^(\\s*)```(\\S*)\\s*$");
  private static final Pattern COMPILE_ONLY =
      Pattern.compile("^\\s*<!--\\s*compile-only:\\s*(.+?)\\s*-->\\s*$");
  private static final Pattern IMPORT = Pattern.compile("^import\\s+[^;]+;\\s*(//.*)?$");

  /**
   * Every {@code java} block of {@code readme}, in order, named {@code file} in messages (a missing
   * file fails with its path).
   */
  static List<ReadmeBlock> parse(Path readme, String file) throws IOException {
    if (!Files.isRegularFile(readme)) {
      throw new IllegalStateException(file + " not found at " + readme.toAbsolutePath());
    }
    List<String> text = Files.readAllLines(readme);
    List<ReadmeBlock> blocks = new ArrayList<>();
    for (int i = 0; i < text.size(); i++) {
      Matcher open = FENCE.matcher(text.get(i));
      if (!open.matches() || open.group(2).isEmpty()) {
        continue;
      }
      String indent = open.group(1);
      int end = i + 1;
      while (end < text.size() && !text.get(end).strip().equals("```")) {
        end++;
      }
      if (end == text.size()) {
        throw new IllegalStateException(file + " line " + (i + 1) + ": unclosed ``` fence");
      }
      if (open.group(2).equals("java")) {
        List<String> code = new ArrayList<>();
        for (String line : text.subList(i + 1, end)) {
          code.add(line.startsWith(indent) ? line.substring(indent.length()) : line.strip());
        }
        Matcher mark = i > 0 ? COMPILE_ONLY.matcher(text.get(i - 1)) : null;
        blocks.add(
            new ReadmeBlock(
                file, i + 2, code, mark != null && mark.matches() ? mark.group(1) : null));
      }
      i = end;
    }
    return blocks;
  }

  /** The block's own import lines (they lead the block). */
  public List<String> imports() {
    return lines.stream().map(String::strip).filter(l -> IMPORT.matcher(l).matches()).toList();
  }

  /** Whether the block imports {@code pkg} or something in it. */
  public boolean importsPackage(String pkg) {
    return imports().stream()
        .anyMatch(i -> i.matches("import\\s+(static\\s+)?" + Pattern.quote(pkg) + "\\..*"));
  }

  /** True for a block written for {@code ./graft-shell}: it has no imports of its own. */
  public boolean usesShellImports() {
    return imports().isEmpty();
  }

  /** The name of the block's top-level class with a {@code main} method, or null for statements. */
  String mainClass() {
    Pattern type = Pattern.compile("^(?:public\\s+)?(?:final\\s+)?class\\s+(\\w+)");
    boolean hasMain = lines.stream().anyMatch(l -> l.contains("static void main("));
    for (String line : lines) {
      Matcher m = type.matcher(line);
      if (m.find() && hasMain && line.startsWith("public")) {
        return m.group(1);
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return file + " line " + firstLine;
  }
}
