/**
 * Tensors and the kernels that compute on them: {@link dev.graft.tensor.Tensor} (dense row-major
 * float storage) and {@link dev.graft.tensor.Shape}, the kernel families (products, convolution,
 * pooling, recurrence, element-wise, reductions) that write into caller-given output buffers, the
 * kernel thread pool {@link dev.graft.tensor.Parallel}, and the matrix-multiply back-end interface
 * {@link dev.graft.tensor.blas.Blas}.
 */
package dev.graft.tensor;
