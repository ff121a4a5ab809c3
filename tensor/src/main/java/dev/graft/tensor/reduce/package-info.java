/**
 * Reductions and the kernels built on them: {@link dev.graft.tensor.reduce.Reduce} (sum, mean, max
 * and argmax along axes, and the sum of a broadcast gradient back to an operand's shape), {@link
 * dev.graft.tensor.reduce.Softmax} (with its exponential, {@code FastExp}, and the Vector API
 * variant of {@code dev.graft.tensor.vector} behind {@link dev.graft.tensor.reduce.SoftmaxKernels})
 * and the fused losses of {@link dev.graft.tensor.reduce.Losses}.
 *
 * <p>Part of the engine's kernels (called by the ops of {@code dev.graft.autograd.ops}), not a
 * stable user API.
 */
package dev.graft.tensor.reduce;
