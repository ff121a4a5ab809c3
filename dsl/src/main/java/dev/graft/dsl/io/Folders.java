package dev.graft.dsl.io;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The folder a file is saved into must exist: saving does not create folders (as Keras's {@code
 * model.save}), so a misspelt path fails at once, naming the folder, rather than with the name of a
 * temporary file. {@code ModelCheckpoint} creates its folder when training begins, as Keras's.
 */
final class Folders {
  private Folders() {}

  /**
   * Checks that the parent folder of {@code target} exists and is a folder.
   *
   * @throws ModelFileException naming the target and the folder
   */
  static void requireParent(Path target) {
    Path dir = target.toAbsolutePath().getParent();
    if (dir == null || Files.isDirectory(dir)) {
      return;
    }
    throw new ModelFileException(
        target,
        Files.exists(dir)
            ? "cannot write: " + dir + " is a file, not a folder"
            : "cannot write: the folder "
                + dir
                + " does not exist (saving does not create folders: create it first, e.g. with"
                + " Files.createDirectories)");
  }
}
