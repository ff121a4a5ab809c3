package dev.graft.spark;

import static dev.graft.dsl.Graft.*;
import static org.apache.spark.ml.functions.array_to_vector;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.graft.dsl.Model;
import dev.graft.tensor.Tensor;
import dev.graft.tensor.blas.Blas;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scoring a {@code Dataset<Row>} agrees bit for bit with {@code predict} in the driver; columns of
 * every supported kind feed a two-input, two-output model; errors name the column or the file.
 */
class GraftTransformerTest {
  static final int ROWS = 100_000;
  private static SparkSession spark;
  private static Blas previous;
  @TempDir static Path dir;
  private static Path modelFile;
  private static Dataset<Row> data;
  private static Dataset<Row> small;

  @BeforeAll
  static void start() {
    previous = Blas.current();
    // Bit-for-bit comparisons need one matrix-multiply back-end (see ReproducibilityTest).
    Blas.use(Blas.named("java"));
    spark = SparkTesting.local(2);
    modelFile = dir.resolve("two.keras");
    twoInOut().save(modelFile);
    data = generated(spark, ROWS, 3).cache();
    small = generated(spark, 1000, 2).cache();
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      spark.stop();
    }
    Blas.use(previous);
  }

  static Model twoInOut() {
    var ia = input("a", 2);
    var ib = input("b", 5);
    var h = dense(16).activation("relu").on(concatenate(ia, dense(4).on(ib)));
    return model(
        List.of(ia, ib),
        List.of(dense(1).activation("sigmoid").on(h), dense(3).activation("softmax").on(h)));
  }

  /**
   * {@code rows} random rows made by Spark itself (no driver-side rows to ship): id, x double, y
   * float, arr array of 3 floats, vec ml Vector of 2, name string.
   */
  static Dataset<Row> generated(SparkSession spark, int rows, int partitions) {
    return spark
        .range(0, rows, 1, partitions)
        .select(
            col("id").cast("int").as("id"),
            rand(1).as("x"),
            rand(2).cast("float").as("y"),
            array(rand(3).cast("float"), rand(4).cast("float"), rand(5).cast("float")).as("arr"),
            array_to_vector(array(rand(6), rand(7))).as("vec"),
            concat(lit("row"), col("id")).as("name"));
  }

  /** The model inputs of collected rows, as the columns x,y and arr,vec give them. */
  static List<Tensor> inputsOf(List<Row> rows) {
    int n = rows.size();
    float[] a = new float[n * 2];
    float[] b = new float[n * 5];
    for (int i = 0; i < n; i++) {
      Row r = rows.get(i);
      a[2 * i] = (float) r.getDouble(r.fieldIndex("x"));
      a[2 * i + 1] = r.getFloat(r.fieldIndex("y"));
      List<Object> arr = r.getList(r.fieldIndex("arr"));
      for (int k = 0; k < 3; k++) {
        b[5 * i + k] = (Float) arr.get(k);
      }
      Vector v = (Vector) r.get(r.fieldIndex("vec"));
      b[5 * i + 3] = (float) v.apply(0);
      b[5 * i + 4] = (float) v.apply(1);
    }
    return List.of(Tensor.of(a, n, 2), Tensor.of(b, n, 5));
  }

  private static GraftTransformer scorer() {
    return new GraftTransformer()
        .setModelPath(modelFile.toString())
        .setInputCols("x, y", "arr,vec")
        .setOutputCols("score", "probs")
        .setBatchSize(500);
  }

  /** Checks every scored row against {@code predict} of the same rows in the driver. */
  static void assertScoresEqualPredict(Dataset<Row> scored, Path modelFile, int rows) {
    List<Row> out = scored.collectAsList();
    assertEquals(rows, out.size());
    List<Tensor> expected = Model.load(modelFile).predict(inputsOf(out), 500);
    int scoreField = out.get(0).fieldIndex("score");
    int probsField = out.get(0).fieldIndex("probs");
    for (int i = 0; i < out.size(); i++) {
      Row r = out.get(i);
      // bit for bit: the raw bits, not within a tolerance
      assertEquals(
          Float.floatToRawIntBits(expected.get(0).get(i, 0)),
          Float.floatToRawIntBits((float) r.getDouble(scoreField)),
          "score of row " + r.getInt(0));
      List<Object> probs = r.getList(probsField);
      for (int k = 0; k < 3; k++) {
        assertEquals(
            Float.floatToRawIntBits(expected.get(1).get(i, k)),
            Float.floatToRawIntBits((Float) probs.get(k)),
            "probs[" + k + "] of row " + r.getInt(0));
      }
    }
  }

  @Test
  void scoresEqualPredictBitForBit() {
    Dataset<Row> scored = scorer().transform(data);
    assertEquals(DataTypes.DoubleType, scored.schema().apply("score").dataType());
    assertEquals("name", scored.schema().fieldNames()[5]);
    assertScoresEqualPredict(scored, modelFile, ROWS);
  }

  @Test
  void fitsAPipelineThatSavesAndLoads() throws Exception {
    Pipeline p = new Pipeline().setStages(new PipelineStage[] {scorer()});
    PipelineModel fitted = p.fit(small);
    Path saved = dir.resolve("pipeline");
    fitted.write().overwrite().save(saved.toString());
    PipelineModel loaded = PipelineModel.load(saved.toString());
    assertScoresEqualPredict(loaded.transform(small), modelFile, 1000);
  }

  @Test
  void missingColumnIsNamed() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> scorer().setInputCols("x,z", "arr,vec").transform(small));
    assertTrue(e.getMessage().contains("column \"z\" (inputCols) not found"), e.getMessage());
  }

  @Test
  void wrongColumnTypeIsNamed() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> scorer().setInputCols("x,name", "arr,vec").transform(small));
    assertTrue(e.getMessage().contains("column \"name\" has type string"), e.getMessage());
  }

  @Test
  void scoresAStringColumnThroughTextVectorization() {
    var vectorizer = textVectorization(50, 4);
    vectorizer.adapt(new String[] {"row1 row2", "row3", "row10 row11 row12"});
    var text = stringInput("text", 1);
    var pooled = globalAveragePooling1d().on(embedding(52, 3).on(vectorizer.on(text)));
    Model m = model(text, dense(1).activation("sigmoid").on(pooled));
    Path file = dir.resolve("text.keras");
    m.save(file);
    List<Row> out =
        new GraftTransformer()
            .setModelPath(file.toString())
            .setInputCols("name")
            .setOutputCols("score")
            .setBatchSize(64)
            .transform(small)
            .collectAsList();
    String[] names = new String[out.size()];
    for (int i = 0; i < names.length; i++) {
      names[i] = out.get(i).getString(out.get(i).fieldIndex("name"));
    }
    Tensor expected = Model.load(file).predict(names);
    for (int i = 0; i < names.length; i++) {
      assertEquals(
          Float.floatToRawIntBits(expected.get(i, 0)),
          Float.floatToRawIntBits((float) out.get(i).getDouble(out.get(i).fieldIndex("score"))),
          names[i]);
    }
  }

  @Test
  void wrongArrayLengthIsNamed() {
    // x and y give 2 values, arr 3 and vec 2: feeding "arr" alone to input b (5 wide) is short
    Dataset<Row> scored = scorer().setInputCols("x,y", "arr").transform(small);
    var e = assertThrows(Exception.class, () -> scored.collectAsList());
    assertTrue(
        rootMessage(e).contains("column \"arr\" gave 3 values in a row, but \"b\" takes 5"),
        rootMessage(e));
  }

  @Test
  void aNullValueIsNamed() {
    // "A missing column, a wrong type or array length, a null value ... is an error naming the
    // column".
    Dataset<Row> withNull =
        small.withColumn("x", when(col("id").equalTo(7), lit(null)).otherwise(col("x")));
    Dataset<Row> scored = scorer().transform(withNull);
    var e = assertThrows(Exception.class, () -> scored.collectAsList());
    assertTrue(rootMessage(e).contains("column \"x\" is null in a row"), rootMessage(e));
  }

  @Test
  void wrongNumberOfOutputColumns() {
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> scorer().setOutputCols("score").transform(small));
    assertTrue(e.getMessage().contains("outputCols has 1 entries"), e.getMessage());
  }

  @Test
  void unreadableModelFileIsNamed() throws Exception {
    Path gone = dir.resolve("gone.keras");
    Files.copy(modelFile, gone);
    Dataset<Row> scored = scorer().setModelPath(gone.toString()).transform(small);
    Files.write(gone, new byte[] {1, 2, 3}); // changed: the executor re-reads it and fails
    var e = assertThrows(Exception.class, () -> scored.collectAsList());
    assertTrue(rootMessage(e).contains("cannot read model file " + gone), rootMessage(e));
    var missing =
        assertThrows(
            IllegalStateException.class,
            () -> scorer().setModelPath(dir.resolve("none.keras").toString()).transform(small));
    assertTrue(missing.getMessage().contains("none.keras on the driver"), missing.getMessage());
  }

  static String rootMessage(Throwable e) {
    StringBuilder s = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      s.append(t.getMessage()).append(" | ");
    }
    return s.toString();
  }
}
