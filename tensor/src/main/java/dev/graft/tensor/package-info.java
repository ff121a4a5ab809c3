/**
 * Tensors: {@link dev.graft.tensor.Tensor} (dense row-major float storage), {@link
 * dev.graft.tensor.Shape}, the seeded generator {@link dev.graft.tensor.Rng}, NumPy's broadcasting
 * rules ({@link dev.graft.tensor.Broadcast}), and the kernel thread pool {@link
 * dev.graft.tensor.Parallel}.
 *
 * <p>The kernels that compute on tensors, writing into caller-given output buffers, are in one
 * package per family: {@code conv} (convolution and pooling), {@code recurrent} (LSTM, GRU), {@code
 * products} (matrix products), {@code elementwise}, {@code reduce} (reductions, softmax, losses),
 * {@code layout} (transpose, concatenation, gathers, resampling) and {@code norm}; the
 * matrix-multiply back-ends are in {@code blas} ({@link dev.graft.tensor.blas.Blas}). The families
 * share {@code support}; their Vector API variants are in {@code vector}, loaded by name so that
 * only that package needs the incubator module.
 */
package dev.graft.tensor;
