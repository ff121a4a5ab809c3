/** SVG pictures of a model's graph and of a training history. */
package dev.graft.dsl.plot;
