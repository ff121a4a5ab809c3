/**
 * Kernels that move values to new places: {@link dev.graft.tensor.layout.Transpose}, {@link
 * dev.graft.tensor.layout.Concat} (and its inverse, slicing), {@link
 * dev.graft.tensor.layout.Gather} (embedding look-ups and their gradient scatter) and {@link
 * dev.graft.tensor.layout.Affine2d} (affine resampling of images, with bilinear interpolation).
 *
 * <p>Part of the engine's kernels (called by the ops of {@code dev.graft.autograd.ops}), not a
 * stable user API.
 */
package dev.graft.tensor.layout;
