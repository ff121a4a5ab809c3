/**
 * Optimizers with Keras's update rules and defaults (SGD, Adam, AdamW, RMSprop, Adagrad) and
 * learning-rate schedules.
 */
package dev.graft.autograd.optim;
