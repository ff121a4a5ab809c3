/**
 * JMH benchmarks of the kernels and training steps, and the side-by-side runner that compares
 * Graft's step times with Keras's.
 */
package dev.graft.benchmarks;
