/**
 * The matrix-multiply back-ends behind {@link dev.graft.tensor.blas.Blas}: OpenBLAS through
 * JavaCPP, the optional jblas, a pure-Java GEMM, and {@code auto}, which picks one per call shape.
 * {@link dev.graft.tensor.blas.BlasRegistry} resolves them by name ({@code -Dgraft.blas}).
 */
package dev.graft.tensor.blas;
