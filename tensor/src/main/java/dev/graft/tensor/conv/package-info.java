/**
 * Convolution and pooling kernels: {@link dev.graft.tensor.conv.Conv2d} (its im2col products
 * through BLAS in {@code ConvGemm}, direct row loops in {@code ConvRows}), {@link
 * dev.graft.tensor.conv.Conv2dTranspose}, {@link dev.graft.tensor.conv.DepthwiseConv2d}, {@link
 * dev.graft.tensor.conv.Pool2d}, the fused convolution and max pooling {@link
 * dev.graft.tensor.conv.ConvPool}, and the window arithmetic they share ({@link
 * dev.graft.tensor.conv.ConvGeometry}). Their Vector API variants live in {@code
 * dev.graft.tensor.vector}, reached through {@code ConvVector}.
 *
 * <p>Part of the engine's kernels (called by the ops of {@code dev.graft.autograd.ops}), not a
 * stable user API.
 */
package dev.graft.tensor.conv;
