package dev.graft.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README is a guide whose details live in {@code docs/}: every guide is reachable from the
 * README, and every relative link of the README and the guides reaches a file and, when it names
 * one, a heading of that file (GitHub's anchors).
 */
class DocsLinksTest {
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.+?)\\s*$");

  @Test
  void everyGuideIsLinkedFromTheReadme() throws IOException {
    Set<Path> linked = new HashSet<>();
    for (String target : links(ReadmeChecks.README)) {
      linked.add(resolve(ReadmeChecks.README, target));
    }
    for (Path guide : ReadmeChecks.guides()) {
      assertTrue(
          linked.contains(guide.normalize()),
          "README.md links to no " + guide.getFileName() + " (every guide must be findable)");
    }
  }

  @Test
  void everyRelativeLinkReachesItsFileAndHeading() throws IOException {
    List<Path> pages = new ArrayList<>(ReadmeChecks.guides());
    pages.add(0, ReadmeChecks.README);
    List<String> broken = new ArrayList<>();
    for (Path page : pages) {
      for (String target : links(page)) {
        if (target.matches("^[a-z]+:.*")) {
          continue; // http(s), mailto: not checked offline
        }
        Path file = resolve(page, target);
        int hash = target.indexOf('#');
        if (!Files.exists(file)) {
          broken.add(page.getFileName() + ": " + target + " (no such file)");
        } else if (hash >= 0
            && Files.isRegularFile(file)
            && !anchors(file).contains(target.substring(hash + 1))) {
          broken.add(page.getFileName() + ": " + target + " (no such heading)");
        }
      }
    }
    assertTrue(broken.isEmpty(), "broken links:\n" + String.join("\n", broken));
  }

  private static List<String> links(Path page) throws IOException {
    List<String> out = new ArrayList<>();
    boolean inCode = false;
    for (String line : Files.readAllLines(page)) {
      if (line.strip().startsWith("```")) {
        inCode = !inCode;
        continue;
      }
      if (inCode) {
        continue;
      }
      Matcher m = LINK.matcher(line);
      while (m.find()) {
        out.add(m.group(1));
      }
    }
    return out;
  }

  private static Path resolve(Path page, String target) {
    int hash = target.indexOf('#');
    String file = hash >= 0 ? target.substring(0, hash) : target;
    return file.isEmpty() ? page.normalize() : page.getParent().resolve(file).normalize();
  }

  /** GitHub's heading anchors: lower case, punctuation dropped, spaces made hyphens. */
  private static Set<String> anchors(Path file) throws IOException {
    Set<String> out = new HashSet<>();
    boolean inCode = false;
    for (String line : Files.readAllLines(file)) {
      if (line.strip().startsWith("```")) {
        inCode = !inCode;
        continue;
      }
      Matcher m = HEADING.matcher(line);
      if (!inCode && m.matches()) {
        out.add(
            m.group(1)
                .toLowerCase(Locale.ROOT)
                .replaceAll("[^\\p{L}\\p{N} _-]", "")
                .replace(' ', '-'));
      }
    }
    return out;
  }
}
