/**
 * The graph IR and reverse-mode differentiation: {@link dev.graft.autograd.Graph} of {@link
 * dev.graft.autograd.Node}s applying {@link dev.graft.autograd.Op}s, {@link
 * dev.graft.autograd.Variable}s for weights, and {@link dev.graft.autograd.Plan}, which compiles a
 * graph and its gradients into a program that runs a step without allocating.
 */
package dev.graft.autograd;
