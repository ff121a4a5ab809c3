package dev.graft.dsl.io;

import static dev.graft.dsl.Graft.*;

import dev.graft.dsl.Model;
import java.nio.file.Path;

/**
 * Run by {@link SafeSaveTest} in a child JVM under a file-size limit: saves a model ({@code keras})
 * or its weights ({@code weights}) to the given path, prints the error's message after {@code
 * "MESSAGE: "} and exits with 3 when the save fails (0 when it succeeds).
 */
public final class SizeLimitChild {
  private SizeLimitChild() {}

  /** A model of about 17,000 weights (70 KB saved). */
  static Model build(long seed) {
    seed(seed);
    var in = input(64);
    return model(in, dense(2).on(dense(256).activation("relu").on(in)));
  }

  /** Saves as {@code args[0]} to {@code args[1]}. */
  public static void main(String[] args) {
    Model m = build(2);
    try {
      if (args[0].equals("keras")) {
        m.save(Path.of(args[1]));
      } else {
        m.saveWeights(Path.of(args[1]));
      }
    } catch (ModelFileException e) {
      System.out.println("MESSAGE: " + e.getMessage());
      System.exit(3);
    }
  }
}
