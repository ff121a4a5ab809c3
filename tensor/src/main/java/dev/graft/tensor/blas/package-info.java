/**
 * The matrix-multiply back-end interface {@link dev.graft.tensor.blas.Blas} and its back-ends:
 * OpenBLAS through JavaCPP, the optional jblas, a pure-Java GEMM, and {@code auto}, which picks one
 * per call shape. {@link dev.graft.tensor.blas.BlasRegistry} resolves them by name ({@code
 * -Dgraft.blas}) and holds the current one.
 */
package dev.graft.tensor.blas;
