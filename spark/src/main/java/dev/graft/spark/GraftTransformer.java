package dev.graft.spark;

import dev.graft.dsl.Model;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Scores a {@code Dataset<Row>} with a saved Graft model, as a Spark ML {@link Transformer} (so it
 * fits a {@code Pipeline} and saves with it). Each model input reads one entry of {@code
 * inputCols}: a column, or several separated by commas whose values are concatenated (numeric
 * columns give one value, {@code array<float|double|...>} and ml {@code Vector} columns their
 * length); the values fill the input's per-sample shape in row-major order. Each model output is
 * appended as a column of {@code outputCols}: {@code double} when the output has one value per
 * sample, otherwise {@code array<float>} (row-major).
 *
 * <p>The model file ({@code .keras} or Keras 2 {@code .h5}, on any Hadoop file system) is read once
 * per executor JVM and shared by its tasks; rows go through {@code predict} in batches of {@code
 * batchSize}.
 *
 * <pre>{@code
 * var scorer = new GraftTransformer().setModelPath("hdfs:///models/churn.keras")
 *     .setInputCols("age,income", "history").setOutputCols("score");
 * Dataset<Row> scored = scorer.transform(customers);
 * }</pre>
 */
public class GraftTransformer extends Transformer implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  private static final String OWNER = "GraftTransformer";

  /** Spark's unique id of this stage. */
  private final String uid;

  /** The model file's path. */
  private final Param<String> modelPath;

  /** The columns feeding each model input. */
  private final StringArrayParam inputCols;

  /** The appended output columns. */
  private final StringArrayParam outputCols;

  /** Rows per {@code predict} call. */
  private final IntParam batchSize;

  /** A transformer with a fresh uid. */
  public GraftTransformer() {
    this(Identifiable$.MODULE$.randomUID("graft"));
  }

  /**
   * A transformer with the given uid (used by Spark's copy and load).
   *
   * @param uid Spark's unique id of this stage
   */
  public GraftTransformer(String uid) {
    this.uid = uid;
    // Params are made here, not in field initialisers: those run before uid is assigned.
    modelPath = new Param<>(this, "modelPath", "path of the saved model (.keras or .h5)");
    inputCols =
        new StringArrayParam(
            this,
            "inputCols",
            "one entry per model input: a column, or columns separated by commas");
    outputCols = new StringArrayParam(this, "outputCols", "one new column per model output");
    batchSize = new IntParam(this, "batchSize", "rows per predict call", ParamValidators.gtEq(1));
    setDefault(batchSize, 256);
  }

  /**
   * Reads a transformer saved with a {@code Pipeline} (Spark's companion-object loader).
   *
   * @return the reader
   */
  public static MLReader<GraftTransformer> read() {
    return new DefaultParamsReader<>();
  }

  /**
   * Loads a transformer saved at {@code path}.
   *
   * @param path the folder a {@code Pipeline} or {@code write().save} wrote
   * @return the transformer
   */
  public static GraftTransformer load(String path) {
    return read().load(path);
  }

  @Override
  public String uid() {
    return uid;
  }

  /**
   * The model file's path.
   *
   * @return the parameter
   */
  public Param<String> modelPath() {
    return modelPath;
  }

  /**
   * The columns feeding each model input.
   *
   * @return the parameter
   */
  public StringArrayParam inputCols() {
    return inputCols;
  }

  /**
   * The appended output columns, one per model output.
   *
   * @return the parameter
   */
  public StringArrayParam outputCols() {
    return outputCols;
  }

  /**
   * Rows per {@code predict} call (default 256).
   *
   * @return the parameter
   */
  public IntParam batchSize() {
    return batchSize;
  }

  /**
   * Sets the model file's path; returns this.
   *
   * @param value a {@code .keras} (or other loadable) model file each executor can read
   * @return this transformer, for chaining
   */
  public GraftTransformer setModelPath(String value) {
    set(modelPath, value);
    return this;
  }

  /**
   * Sets the columns of each model input, in the model's input order; returns this.
   *
   * @param value the columns of each model input, in the model's input order
   * @return this transformer, for chaining
   */
  public GraftTransformer setInputCols(String... value) {
    set(inputCols, value);
    return this;
  }

  /**
   * Sets the output columns, one per model output; returns this.
   *
   * @param value one new column per model output
   * @return this transformer, for chaining
   */
  public GraftTransformer setOutputCols(String... value) {
    set(outputCols, value);
    return this;
  }

  /**
   * Sets the output column of a single-output model; returns this.
   *
   * @param value the new column
   * @return this transformer, for chaining
   */
  public GraftTransformer setOutputCol(String value) {
    return setOutputCols(value);
  }

  /**
   * Sets the rows per {@code predict} call; returns this.
   *
   * @param value the rows per call, at least 1
   * @return this transformer, for chaining
   */
  public GraftTransformer setBatchSize(int value) {
    set(batchSize, value);
    return this;
  }

  private String path() {
    if (!isDefined(modelPath)) {
      throw new IllegalArgumentException(OWNER + ": modelPath is not set");
    }
    return $(modelPath);
  }

  private Model model() {
    return ModelFiles.cached(OWNER, path());
  }

  private static List<Shape> outputShapes(Model m) {
    List<Shape> shapes = new ArrayList<>();
    m.outputs().forEach(o -> shapes.add(o.shape()));
    return shapes;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    Model m = model();
    InputColumns.resolve(OWNER, "inputCols", schema, $(inputCols), m.inputNames(), m.inputShapes());
    String[] outs = isDefined(outputCols) ? $(outputCols) : new String[0];
    List<Shape> shapes = outputShapes(m);
    if (outs.length != shapes.size()) {
      throw new IllegalArgumentException(
          OWNER
              + ": outputCols has "
              + outs.length
              + " entries "
              + Arrays.toString(outs)
              + " but the model has "
              + shapes.size()
              + " outputs");
    }
    StructType out = schema;
    for (int k = 0; k < outs.length; k++) {
      if (Arrays.asList(out.fieldNames()).contains(outs[k])) {
        throw new IllegalArgumentException(
            OWNER + ": output column \"" + outs[k] + "\" already exists");
      }
      out =
          out.add(
              new StructField(
                  outs[k],
                  shapes.get(k).sizeFrom(1) == 1
                      ? DataTypes.DoubleType
                      : DataTypes.createArrayType(DataTypes.FloatType, false),
                  false,
                  org.apache.spark.sql.types.Metadata.empty()));
    }
    return out;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType schema = dataset.schema();
    StructType out = transformSchema(schema);
    Model m = model();
    InputColumns cols =
        InputColumns.resolve(
            OWNER, "inputCols", schema, $(inputCols), m.inputNames(), m.inputShapes());
    int[] outWidths = outputShapes(m).stream().mapToInt(s -> s.sizeFrom(1)).toArray();
    JavaRDD<Row> scored =
        dataset
            .toDF()
            .javaRDD()
            .mapPartitions(new Score(path(), cols, outWidths, ((Number) $(batchSize)).intValue()));
    return dataset.sparkSession().createDataFrame(scored, out);
  }

  @Override
  public GraftTransformer copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  /** Scores one partition lazily, a batch at a time (runs on executors). */
  private static final class Score implements FlatMapFunction<Iterator<Row>, Row> {
    private static final long serialVersionUID = 1L;
    private final String path;
    private final InputColumns cols;
    private final int[] outWidths;
    private final int batchSize;

    Score(String path, InputColumns cols, int[] outWidths, int batchSize) {
      this.path = path;
      this.cols = cols;
      this.outWidths = outWidths;
      this.batchSize = batchSize;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      Model model = ModelFiles.cached(OWNER, path);
      return new Iterator<>() {
        private final List<Row> batch = new ArrayList<>(batchSize);
        private List<Tensor> predictions;
        private int next;

        @Override
        public boolean hasNext() {
          if (next < batch.size()) {
            return true;
          }
          batch.clear();
          next = 0;
          while (batch.size() < batchSize && rows.hasNext()) {
            batch.add(rows.next());
          }
          if (batch.isEmpty()) {
            return false;
          }
          predictions =
              cols.hasText()
                  ? model.predict(
                      model.encodeInputs(cols.raw(batch, model.inputShapes())), batch.size())
                  : model.predict(cols.tensors(batch, model.inputShapes()), batch.size());
          return true;
        }

        @Override
        public Row next() {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          Row row = batch.get(next);
          Object[] values = new Object[row.length() + outWidths.length];
          for (int i = 0; i < row.length(); i++) {
            values[i] = row.get(i);
          }
          for (int k = 0; k < outWidths.length; k++) {
            Tensor p = predictions.get(k);
            int w = outWidths[k];
            if (w == 1) {
              values[row.length() + k] = (double) p.array()[p.offset() + next];
            } else {
              float[] v = new float[w];
              System.arraycopy(p.array(), p.offset() + next * w, v, 0, w);
              values[row.length() + k] = v;
            }
          }
          next++;
          return RowFactory.create(values);
        }
      };
    }
  }
}
