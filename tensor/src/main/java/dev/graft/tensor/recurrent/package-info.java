/**
 * Recurrent kernels: the fused {@link dev.graft.tensor.recurrent.Lstm} (training, and {@link
 * dev.graft.tensor.recurrent.LstmInference} when nothing reads its saved state) and {@link
 * dev.graft.tensor.recurrent.Gru} cells over a whole sequence, with masks, recurrent dropout and
 * their backward passes; {@code RecurrentPass} and {@link
 * dev.graft.tensor.recurrent.RecurrentSupport} hold what both share. The LSTM cell's Vector API
 * variant lives in {@code dev.graft.tensor.vector}, reached through {@link
 * dev.graft.tensor.recurrent.RecurrentVector}; the per-step products through {@code
 * dev.graft.tensor.products}.
 *
 * <p>Part of the engine's kernels (called by the ops of {@code dev.graft.autograd.ops}), not a
 * stable user API.
 */
package dev.graft.tensor.recurrent;
