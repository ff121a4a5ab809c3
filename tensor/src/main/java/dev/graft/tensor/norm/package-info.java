/**
 * Normalisation kernels: {@link dev.graft.tensor.norm.BatchNorm} (batch statistics, the normalised
 * output and its gradients).
 *
 * <p>Part of the engine's kernels (called by the ops of {@code dev.graft.autograd.ops}), not a
 * stable user API.
 */
package dev.graft.tensor.norm;
