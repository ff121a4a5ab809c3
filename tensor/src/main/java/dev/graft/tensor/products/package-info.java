/**
 * Matrix-product kernels: {@link dev.graft.tensor.products.Gemm} (a Dense layer's products, through
 * the BLAS back-end of {@code dev.graft.tensor.blas}) and {@link
 * dev.graft.tensor.products.BatchGemm} (batched products, as attention makes), with {@link
 * dev.graft.tensor.products.ProductVector} choosing the Vector API kernels of {@code
 * dev.graft.tensor.vector} for the shapes where a BLAS call costs more than it computes.
 *
 * <p>Part of the engine's kernels (called by the ops of {@code dev.graft.autograd.ops}), not a
 * stable user API.
 */
package dev.graft.tensor.products;
