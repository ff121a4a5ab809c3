package dev.graft.dsl.data;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Text files read line by line, gzip-compressed ones ({@code .gz}) included. */
final class TextSources {
  private TextSources() {}

  static Dataset<String> lines(List<Path> files) {
    List<Path> fs = List.copyOf(files);
    for (Path f : fs) {
      requireFile("textLines", f);
    }
    return Dataset.lazy(Dataset.UNKNOWN, () -> new LineCursor(fs));
  }

  /** Throws naming {@code f} if it is not a readable file. */
  static void requireFile(String who, Path f) {
    if (!Files.isRegularFile(f)) {
      throw new DataException(
          who + ": " + f + (Files.exists(f) ? " is not a file" : " does not exist"));
    }
  }

  /** A reader of {@code f}, decompressing when its name ends in {@code .gz}. */
  static BufferedReader reader(Path f) throws IOException {
    InputStream in = Files.newInputStream(f);
    try {
      if (f.getFileName().toString().endsWith(".gz")) {
        in = new GZIPInputStream(in, 1 << 16);
      }
      return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), 1 << 16);
    } catch (IOException e) {
      in.close();
      throw e;
    }
  }

  /** The lines of each file in turn; one file open at a time. */
  private static final class LineCursor implements Cursor<String> {
    private final List<Path> files;
    private int file = -1;
    private long line;
    private BufferedReader in;

    LineCursor(List<Path> files) {
      this.files = files;
    }

    @Override
    public String next() {
      try {
        while (true) {
          if (in == null) {
            if (++file >= files.size()) {
              return null;
            }
            in = reader(files.get(file));
            line = 0;
          }
          String s = in.readLine();
          if (s != null) {
            line++;
            return s;
          }
          in.close();
          in = null;
        }
      } catch (IOException | UncheckedIOException e) {
        throw new DataException(
            "textLines: cannot read " + files.get(file) + " after line " + line + ": " + e, e);
      }
    }

    @Override
    public void close() {
      if (in != null) {
        try {
          in.close();
        } catch (IOException e) {
          // reading is over
        }
        in = null;
      }
      file = files.size();
    }
  }
}
