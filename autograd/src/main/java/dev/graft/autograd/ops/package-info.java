/**
 * The differentiable operations: one class per op with its shape rule, its kernel call and its
 * gradient rule.
 */
package dev.graft.autograd.ops;
