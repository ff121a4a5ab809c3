/**
 * Reading and writing models in Keras's formats: {@code .keras} archives, legacy HDF5 {@code .h5}
 * and {@code .weights.h5}, TensorFlow.js layers models, and NumPy {@code .npy} arrays. {@link
 * dev.graft.dsl.io.ModelIO} is the entry point; Keras layer configs map to layers in one registry,
 * which refuses any setting it would not honour.
 */
package dev.graft.dsl.io;
