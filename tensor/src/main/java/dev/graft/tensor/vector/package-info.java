/**
 * Kernels written with the incubating Vector API ({@code jdk.incubator.vector}). Nothing names
 * these classes: they are loaded by name when the JVM runs with {@code --add-modules
 * jdk.incubator.vector} (and {@code -Dgraft.vector} is not {@code false}); without the module the
 * scalar kernels run instead.
 */
package dev.graft.tensor.vector;
