/**
 * Graft on Apache Spark (optional; Spark in provided scope): {@link
 * dev.graft.spark.GraftTransformer} scores a {@code DataFrame} with a saved model as a Spark ML
 * {@code Transformer}, and {@link dev.graft.spark.SparkTrainer} trains a compiled model with
 * synchronous data parallelism over a barrier stage.
 */
package dev.graft.spark;
