/**
 * Kernels written with the incubating Vector API ({@code jdk.incubator.vector}), for every family
 * that has them: convolution and pooling ({@code VectorConv}, {@code VectorMac}), the LSTM cell
 * ({@code VectorRecurrent}), products ({@code VectorProducts}) and softmax ({@code VectorSoftmax}).
 * Each implements an interface of its family's package. Nothing names these classes: {@code
 * dev.graft.tensor.support.VectorSupport} loads them by name when the JVM runs with {@code
 * --add-modules jdk.incubator.vector} (and {@code -Dgraft.vector} is not {@code false}); without
 * the module the scalar kernels run instead. They stay in this one package, apart from their
 * families, because it is the only one compiled with the incubator module: one compiler execution,
 * one javadoc exclusion and one unexported package in {@code module-info.java}.
 */
package dev.graft.tensor.vector;
