/**
 * Lazy datasets for {@code Model.fit}, {@code evaluate} and {@code predict}, as Keras's {@code
 * tf.data}: {@link dev.graft.dsl.data.Dataset} and its sources ({@link dev.graft.dsl.data.Csv},
 * {@link dev.graft.dsl.data.ImageFolder}, {@link dev.graft.dsl.data.TextFolder}, {@code .npy}
 * shards, IDX files). Data is read when a pass starts, on background threads where asked ({@code
 * map}, {@code prefetch}), which closing the pass's iterator joins; a bad file or entry is a {@link
 * dev.graft.dsl.data.DataException} naming it.
 */
package dev.graft.dsl.data;
