/**
 * Runnable examples on the bundled Fashion-MNIST test set, and the main demo {@link
 * dev.graft.examples.MergeDemo}: two branches trained, saved, loaded and merged.
 */
package dev.graft.examples;
