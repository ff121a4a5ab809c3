/**
 * The Keras layers: each builds its weights, computes its output shapes, emits graph IR in {@code
 * call} and writes a Keras-compatible {@code config} (keys, defaults and weight names as Keras has
 * them).
 */
package dev.graft.layers;
