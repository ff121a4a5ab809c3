/**
 * Implementation details of {@link dev.graft.dsl.Model} (the training loop, batching, the
 * functional graph, checks and the summary); not an API.
 */
package dev.graft.dsl.internal;
