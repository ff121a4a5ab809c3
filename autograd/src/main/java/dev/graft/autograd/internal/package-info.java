/**
 * Implementation details of the planned executor (buffer reuse across a program's steps); not an
 * API.
 */
package dev.graft.autograd.internal;
