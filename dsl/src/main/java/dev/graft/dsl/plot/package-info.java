/**
 * SVG (and Graphviz DOT) pictures of a model's graph and of training curves. The package needs
 * nothing from the model classes: {@code Model.plot} describes the model as a {@link
 * dev.graft.dsl.plot.Diagram} and {@code History.plot} hands over its logged values as {@link
 * dev.graft.dsl.plot.Curves}.
 */
package dev.graft.dsl.plot;
