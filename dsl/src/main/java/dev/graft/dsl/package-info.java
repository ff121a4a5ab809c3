/**
 * The Keras-style API: {@link dev.graft.dsl.Graft}'s static factories (layers, inputs, models,
 * optimizers), {@link dev.graft.dsl.Model} and {@link dev.graft.dsl.Sequential} with compile, fit,
 * evaluate, predict, save and load, callbacks, losses and metrics. Start with {@code import static
 * dev.graft.dsl.Graft.*;}.
 */
package dev.graft.dsl;
