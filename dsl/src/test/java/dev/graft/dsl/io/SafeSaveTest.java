package dev.graft.dsl.io;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.graft.dsl.Model;
import dev.graft.tensor.Rng;
import dev.graft.tensor.Tensor;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Saves through the public API ({@code Model.save}, {@code saveWeights}, the checkpoint callback)
 * that fail mid-write keep the previous file byte for byte and leave no temporary file; temporary
 * files are recognisable and cleaned up; permissions survive a save.
 *
 * <p>The disk-full cases use {@link AtomicFiles#testFault}, which cuts the written file short and
 * throws as a full disk does. Mutation tried: writing straight to the target ({@code tmp = abs} in
 * {@code AtomicFiles.write}) makes every one of them fail. The file-size-limit case is real: a
 * child JVM under {@code ulimit -f}, where the kernel refuses the write ("File too large").
 */
class SafeSaveTest {
  @TempDir Path dir;

  @AfterEach
  void noFault() {
    AtomicFiles.testFault = null;
  }

  private static Model small(long seed) {
    seed(seed);
    var in = input(4);
    Model m = model(in, dense(1).activation("sigmoid").on(dense(8).activation("relu").on(in)));
    m.compile(adam(0.01), "binary_crossentropy", "accuracy");
    return m;
  }

  /** The next writes stop after {@code bytes} bytes with the operating system's ENOSPC message. */
  private static void diskFullAfter(long bytes) {
    AtomicFiles.testFault =
        tmp -> {
          try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.truncate(Math.min(bytes, ch.size()));
          }
          throw new IOException("No space left on device");
        };
  }

  private List<String> files() throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  private static void assertFullDisk(ModelFileException e, Path target) {
    String m = e.getMessage();
    assertTrue(m.startsWith(target.toString() + ": "), m);
    assertTrue(m.contains("No space left on device"), m);
    assertTrue(m.contains("the previous file is unchanged"), m);
    assertTrue(!m.contains("graft-tmp"), "the message names the target, not a temp file: " + m);
  }

  @Test
  void aFullDiskDuringSaveKeepsThePreviousArchive() throws IOException {
    Path f = dir.resolve("m.keras");
    small(1).save(f);
    byte[] good = Files.readAllBytes(f);
    Model other = small(2);
    diskFullAfter(300);
    assertFullDisk(assertThrows(ModelFileException.class, () -> other.save(f)), f);
    assertArrayEquals(good, Files.readAllBytes(f));
    assertEquals(List.of("m.keras"), files());
  }

  @Test
  void aFullDiskDuringSaveWeightsKeepsThePreviousFile() throws IOException {
    Path f = dir.resolve("m.weights.h5");
    small(1).saveWeights(f);
    byte[] good = Files.readAllBytes(f);
    Model other = small(2);
    diskFullAfter(200);
    assertFullDisk(assertThrows(ModelFileException.class, () -> other.saveWeights(f)), f);
    assertArrayEquals(good, Files.readAllBytes(f));
    assertEquals(List.of("m.weights.h5"), files());
  }

  @Test
  void aFullDiskDuringACheckpointKeepsThePreviousCheckpoint() throws IOException {
    for (boolean weightsOnly : new boolean[] {false, true}) {
      Path f = dir.resolve(weightsOnly ? "ck.weights.h5" : "ck.keras");
      Model m = small(3);
      Rng rng = new Rng(4);
      Tensor x = Tensor.rand(rng, 32, 4);
      Tensor y = Tensor.randint(rng, 0, 2, 32, 1);
      List<byte[]> afterFirst = new ArrayList<>();
      Consumer<Integer> armAfterFirstEpoch =
          epoch -> {
            if (epoch == 0) {
              try {
                afterFirst.add(Files.readAllBytes(f));
              } catch (IOException e) {
                throw new AssertionError(e);
              }
              diskFullAfter(500);
            }
          };
      ModelFileException e =
          assertThrows(
              ModelFileException.class,
              () ->
                  m.fit(
                      x,
                      y,
                      epochs(3)
                          .verbose(0)
                          .callbacks(
                              modelCheckpoint(f.toString())
                                  .monitor("loss")
                                  .saveWeightsOnly(weightsOnly),
                              onEpochEnd((epoch, logs) -> armAfterFirstEpoch.accept(epoch)))));
      AtomicFiles.testFault = null;
      assertFullDisk(e, f);
      assertArrayEquals(afterFirst.get(0), Files.readAllBytes(f), "the epoch-1 checkpoint");
      assertTrue(files().stream().noneMatch(n -> n.contains("graft-tmp")), files().toString());
    }
  }

  @Test
  void tempFilesAreNamedAfterTheirTarget() throws IOException {
    Path f = dir.resolve("m.keras");
    List<String> seen = new ArrayList<>();
    AtomicFiles.testFault = tmp -> seen.add(tmp.getFileName().toString());
    small(1).save(f);
    assertEquals(1, seen.size());
    assertTrue(
        seen.get(0)
            .matches("m\\.keras\\.graft-tmp-" + ProcessHandle.current().pid() + "-[0-9a-z]+"),
        seen.get(0));
    assertEquals(List.of("m.keras"), files());
  }

  /** Leftovers of a killed save: ours (dead process, or this process's unused) and others'. */
  private List<String> leaveStaleFiles(String target) throws IOException {
    long pid = ProcessHandle.current().pid();
    List<String> ours =
        List.of(
            target + ".graft-tmp-2147483646-abc123",
            target + ".graft-tmp-" + pid + "-zz9",
            target + ".graft-tmp-4000000-k");
    List<String> others =
        List.of(
            target + ".bak",
            target + ".graft-tmp-notours",
            target + ".graft-tmp-1-abc", // pid 1 is alive: a save in progress elsewhere
            "other.keras.graft-tmp-2147483646-abc",
            "x" + target + ".graft-tmp-2147483646-abc");
    for (String n : ours) {
      Files.write(dir.resolve(n), new byte[1000]);
    }
    for (String n : others) {
      Files.write(dir.resolve(n), "keep".getBytes(StandardCharsets.UTF_8));
    }
    return others;
  }

  @Test
  void staleTempFilesOfTheTargetGoOnTheNextSaveOrLoad() throws IOException {
    assumeTrue(ProcessHandle.of(1).isPresent(), "no process 1 to stand for a live writer");
    Path f = dir.resolve("m.keras");
    Model m = small(1);
    List<String> others = leaveStaleFiles("m.keras");
    m.save(f);
    List<String> expected = new ArrayList<>(others);
    expected.add("m.keras");
    assertEquals(expected.stream().sorted().toList(), files());

    leaveStaleFiles("m.keras");
    Model.load(f);
    assertEquals(expected.stream().sorted().toList(), files());

    Path w = dir.resolve("m.weights.h5");
    m.saveWeights(w);
    List<String> others2 = leaveStaleFiles("m.weights.h5");
    m.loadWeights(w);
    List<String> expected2 = new ArrayList<>(expected);
    expected2.addAll(others2);
    expected2.add("m.weights.h5");
    assertEquals(expected2.stream().distinct().sorted().toList(), files());
  }

  @Test
  void aReadOnlyFileIsKept() throws IOException {
    assumeTrue(posix(dir), "not a POSIX file system");
    Path f = dir.resolve("ro.keras");
    small(1).save(f);
    byte[] good = Files.readAllBytes(f);
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("r--r--r--"));
    assumeTrue(!Files.isWritable(f), "permissions are not enforced for this user (root)");
    ModelFileException e = assertThrows(ModelFileException.class, () -> small(2).save(f));
    assertTrue(e.getMessage().contains("the file is read-only"), e.getMessage());
    assertArrayEquals(good, Files.readAllBytes(f));
  }

  /** Threads saving one target at once: the file is always one complete model, no temp is left. */
  @Test
  void concurrentSavesOfOneTargetLeaveOneCompleteFile() throws Exception {
    Path f = dir.resolve("shared.keras");
    List<Model> models = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      models.add(small(10 + i));
    }
    List<Thread> threads = new ArrayList<>();
    List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    for (Model m : models) {
      Thread t =
          new Thread(
              () -> {
                try {
                  for (int k = 0; k < 5; k++) {
                    m.save(f);
                    Model.load(f); // a reader between writers sees a complete file
                  }
                } catch (Throwable x) {
                  errors.add(x);
                }
              });
      threads.add(t);
      t.start();
    }
    for (Thread t : threads) {
      t.join(120_000);
    }
    assertEquals(List.of(), errors);
    float[] back = Model.load(f).getWeights().get(0).toArray();
    assertTrue(
        models.stream()
            .anyMatch(m -> java.util.Arrays.equals(back, m.getWeights().get(0).toArray())));
    assertEquals(List.of("shared.keras"), files());
  }

  private static boolean posix(Path p) {
    return Files.getFileAttributeView(p, PosixFileAttributeView.class) != null;
  }

  @Test
  void aSavedOverFileKeepsItsPermissionsAndANewOneFollowsTheUmask() throws IOException {
    assumeTrue(posix(dir), "not a POSIX file system");
    Model m = small(1);
    for (String perms : new String[] {"rw-r--r--", "rw-------", "rw-rw-r--", "rw-r-----"}) {
      for (String name : new String[] {"p.keras", "p.weights.h5"}) {
        Path f = dir.resolve(name);
        Files.deleteIfExists(f);
        Files.write(f, new byte[] {1});
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString(perms));
        if (name.endsWith(".keras")) {
          m.save(f);
        } else {
          m.saveWeights(f);
        }
        assertEquals(
            perms,
            PosixFilePermissions.toString(Files.getPosixFilePermissions(f)),
            name + " saved over a " + perms + " file");
      }
    }
    Path plain = Files.createFile(dir.resolve("plain.txt"));
    String umask = PosixFilePermissions.toString(Files.getPosixFilePermissions(plain));
    Path fresh = dir.resolve("fresh.keras");
    m.save(fresh);
    assertEquals(umask, PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));
    Path freshWeights = dir.resolve("fresh.weights.h5");
    m.saveWeights(freshWeights);
    assertEquals(umask, PosixFilePermissions.toString(Files.getPosixFilePermissions(freshWeights)));
  }

  @Test
  void aSymbolicLinkStaysALinkToTheSavedFile() throws IOException {
    Path real = dir.resolve("real.keras");
    Path link = dir.resolve("link.keras");
    Model m = small(1);
    m.save(real);
    try {
      Files.createSymbolicLink(link, real.getFileName());
    } catch (UnsupportedOperationException | IOException e) {
      assumeTrue(false, "no symbolic links here");
    }
    Model other = small(2);
    other.save(link);
    assertTrue(Files.isSymbolicLink(link));
    List<Tensor> saved = other.getWeights();
    List<Tensor> back = Model.load(real).getWeights();
    for (int i = 0; i < saved.size(); i++) {
      assertArrayEquals(saved.get(i).toArray(), back.get(i).toArray());
    }
    assertEquals(List.of("link.keras", "real.keras"), files());
  }

  /**
   * A real file-size limit: a child JVM under {@code ulimit -f 16} (16 KiB) saves a 70 KB model
   * over a previous file; the kernel refuses the write with EFBIG.
   */
  @Test
  void aFileSizeLimitIsReportedAndKeepsThePreviousFile() throws Exception {
    assumeTrue(posix(dir) && Files.isExecutable(Path.of("/bin/bash")), "needs bash and ulimit");
    for (String kind : new String[] {"keras", "weights"}) {
      Path f = dir.resolve(kind.equals("keras") ? "big.keras" : "big.weights.h5");
      Model previous = SizeLimitChild.build(1);
      if (kind.equals("keras")) {
        previous.save(f);
      } else {
        previous.saveWeights(f);
      }
      byte[] good = Files.readAllBytes(f);
      String cp =
          System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
      String java = ProcessHandle.current().info().command().orElse("java");
      Process p =
          new ProcessBuilder(
                  "/bin/bash",
                  "-c",
                  "ulimit -f 16; exec \"$0\" \"$@\"",
                  java,
                  "-XX:-UsePerfData",
                  "-cp",
                  cp,
                  SizeLimitChild.class.getName(),
                  kind,
                  f.toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(p.waitFor(120, TimeUnit.SECONDS));
      assertEquals(3, p.exitValue(), out);
      String message = out.lines().filter(l -> l.startsWith("MESSAGE: ")).findFirst().orElse(out);
      assertTrue(message.contains("MESSAGE: " + f + ": cannot write: File too large"), message);
      assertTrue(message.contains("the previous file is unchanged"), message);
      assertArrayEquals(good, Files.readAllBytes(f));
      assertTrue(files().stream().noneMatch(n -> n.contains("graft-tmp")), files().toString());
    }
  }

  @Test
  void aFullDiskDuringNpyWriteKeepsThePreviousArray() throws IOException {
    // "save, saveWeights, checkpoints and Npy.write never leave a half-written file".
    Path f = dir.resolve("x.npy");
    Npy.write(f, Tensor.rand(new Rng(1), 64, 8));
    byte[] good = Files.readAllBytes(f);
    diskFullAfter(100);
    assertFullDisk(
        assertThrows(ModelFileException.class, () -> Npy.write(f, Tensor.rand(new Rng(2), 64, 8))),
        f);
    assertArrayEquals(good, Files.readAllBytes(f));
    assertEquals(List.of("x.npy"), files());
  }
}
