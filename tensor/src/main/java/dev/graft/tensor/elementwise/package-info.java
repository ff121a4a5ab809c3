/**
 * Element-wise kernels: {@link dev.graft.tensor.elementwise.Binary} (arithmetic on two operands
 * with NumPy broadcasting), {@link dev.graft.tensor.elementwise.Unary} (activations and math
 * functions, with their gradients), {@link dev.graft.tensor.elementwise.Pointwise} (the less common
 * activations), {@link dev.graft.tensor.elementwise.MaskFill} and {@link
 * dev.graft.tensor.elementwise.Select}.
 *
 * <p>Part of the engine's kernels (called by the ops of {@code dev.graft.autograd.ops}), not a
 * stable user API.
 */
package dev.graft.tensor.elementwise;
