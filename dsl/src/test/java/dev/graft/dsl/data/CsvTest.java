package dev.graft.dsl.data;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.History;
import dev.graft.dsl.Model;
import dev.graft.tensor.Tensor;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV/TSV rows: quoting, types, gzip, and errors naming the file, line and column. */
class CsvTest {
  private static Path write(Path f, String text) throws IOException {
    if (f.toString().endsWith(".gz")) {
      try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
        out.write(text.getBytes(StandardCharsets.UTF_8));
      }
    } else {
      Files.writeString(f, text);
    }
    return f;
  }

  @Test
  void quotedFieldsTypedColumnsAndGzip(@TempDir Path dir) throws IOException {
    Path f =
        write(
            dir.resolve("a.csv.gz"),
            "name,size,note\n"
                + "alpha,1.5,plain\n"
                + "\"beta, the second\",-2e3,\"says \"\"hi\"\"\"\n"
                + "\n"
                + "gamma,7,\"two\nlines\"\n"
                + "delta,,x\n");
    List<Row> rows = Csv.from(f).numericColumn("size", -1f).dataset().toList();
    assertEquals(4, rows.size());
    assertEquals("beta, the second", rows.get(1).string("name"));
    assertEquals(-2000f, rows.get(1).number("size"));
    assertEquals("says \"hi\"", rows.get(1).string(2));
    assertEquals("two\nlines", rows.get(2).string("note"));
    assertEquals(5, rows.get(2).line());
    assertEquals(-1f, rows.get(3).number("size"));
    assertArrayEquals(new float[] {1.5f}, rows.get(0).numbers("size").toArray());
    assertEquals(List.of("name", "size", "note"), rows.get(0).columnNames());
  }

  @Test
  void tsvTakesQuotesLiterally(@TempDir Path dir) throws IOException {
    Path f = write(dir.resolve("p.tsv"), "name\tdesc\naft\t\"free form\" documents\n");
    Row r = Csv.tsv(f).dataset().toList().get(0);
    assertEquals("\"free form\" documents", r.string("desc"));
    var e =
        assertThrows(DataException.class, () -> Csv.tsv(f).useQuoteDelim(true).dataset().toList());
    assertTrue(e.getMessage().contains("p.tsv, line 2: malformed row"), e.getMessage());
  }

  @Test
  void errorsNameTheFileLineAndColumn(@TempDir Path dir) throws IOException {
    Path f = write(dir.resolve("bad.csv"), "a,b\n1,2\n3,x\n4\n5,6\n");
    var e =
        assertThrows(
            DataException.class, () -> Csv.from(f).numericColumns("a", "b").dataset().toList());
    assertEquals("" + f + ", line 3, column \"b\": \"x\" is not a number", e.getMessage());
    e = assertThrows(DataException.class, () -> Csv.from(f).dataset().toList());
    assertTrue(
        e.getMessage().contains("bad.csv, line 4: malformed row: expected 2 fields"),
        e.getMessage());
    e = assertThrows(DataException.class, () -> Csv.from(f).numericColumns("c").dataset());
    assertTrue(e.getMessage().contains("has no column \"c\""), e.getMessage());
    e = assertThrows(DataException.class, () -> Csv.from(dir.resolve("none.csv")).dataset());
    assertTrue(e.getMessage().contains("none.csv does not exist"), e.getMessage());
    Path other = write(dir.resolve("other.csv"), "a,c\n1,2\n");
    e = assertThrows(DataException.class, () -> Csv.from(f, other).dataset());
    assertTrue(e.getMessage().contains("other.csv has columns [a, c]"), e.getMessage());
    Path open = write(dir.resolve("open.csv"), "a,b\n1,\"never closed\n");
    e = assertThrows(DataException.class, () -> Csv.from(open).dataset().toList());
    assertTrue(
        e.getMessage().contains("open.csv, line 2: malformed row: a quoted field is not closed"),
        e.getMessage());

    Csv skipping = Csv.from(f).numericColumns("a", "b").ignoreErrors();
    List<Row> kept = skipping.dataset().toList();
    assertEquals(2, kept.size());
    assertEquals(5f, kept.get(1).number("a"));
    assertEquals(2, skipping.skipped());
    Row r = kept.get(0);
    var e2 = assertThrows(IllegalArgumentException.class, () -> r.string("zzz"));
    assertTrue(e2.getMessage().contains("[a, b]"), e2.getMessage());
  }

  @Test
  void rowsTrainAModel(@TempDir Path dir) throws IOException {
    StringBuilder sb = new StringBuilder("x1,x2,label\n");
    seed(1);
    Tensor x = Tensor.rand(200, 2);
    for (int i = 0; i < 200; i++) {
      float a = x.get(i, 0);
      float b = x.get(i, 1);
      sb.append(a).append(',').append(b).append(',').append(a > b ? "yes" : "no").append('\n');
    }
    Path f = write(dir.resolve("t.csv"), sb.toString());
    Dataset<List<Tensor>> ds =
        Csv.from(f)
            .numericColumns("x1", "x2")
            .dataset()
            .map(
                r ->
                    List.of(
                        r.numbers("x1", "x2"), Tensor.of(r.string("label").equals("yes") ? 1 : 0)))
            .cache()
            .shuffle(200)
            .batch(20)
            .prefetch(2);
    var in = input(2);
    Model m = model(in, dense(1).activation("sigmoid").on(dense(8).activation("relu").on(in)));
    m.compile(adam(0.05), "binary_crossentropy", "accuracy");
    History h = m.fit(ds, epochs(15).verbose(0));
    assertTrue(h.get("accuracy").get(14) > 0.9, "" + h.get("accuracy"));
  }

  @Test
  void readsTheDebianPackagesTable() {
    Path f = Path.of("../../shared/datasets/debian-packages/packages.tsv.gz");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(f));
    Csv csv =
        Csv.tsv(f).numericColumns("installed_size_kb", "n_depends", "n_recommends", "arch_all");
    List<Row> rows = csv.dataset().toList();
    assertEquals(63_440, rows.size());
    assertEquals(
        "aft",
        rows.stream()
            .filter(r -> r.string("description").startsWith("\"free form\""))
            .findFirst()
            .orElseThrow()
            .string("name"));
  }
}
