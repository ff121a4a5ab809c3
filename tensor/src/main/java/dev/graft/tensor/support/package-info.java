/**
 * What the kernel families share: argument checks ({@link dev.graft.tensor.support.Checks}), the
 * broadcast walk ({@link dev.graft.tensor.support.Walk}), and the loading and warm-up of the Vector
 * API kernels ({@link dev.graft.tensor.support.VectorSupport}, {@link
 * dev.graft.tensor.support.JitWarmup}). Part of the engine's kernels, not a stable user API: public
 * only so that the family packages can share it.
 */
package dev.graft.tensor.support;
