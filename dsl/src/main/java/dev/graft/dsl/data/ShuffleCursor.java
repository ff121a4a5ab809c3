package dev.graft.dsl.data;

import dev.graft.tensor.Rng;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code tf.data}'s buffered shuffle: the buffer fills with the first {@code size} elements; each
 * element out is a random one of the buffer, its slot refilled by the next element in.
 */
final class ShuffleCursor<E> implements Cursor<E> {
  private final Cursor<E> up;
  private final int size;
  private final Rng rng;
  private final List<E> buffer = new ArrayList<>();
  private boolean upstreamDone;

  ShuffleCursor(Cursor<E> up, int size, Rng rng) {
    this.up = up;
    this.size = size;
    this.rng = rng;
  }

  @Override
  public E next() {
    while (!upstreamDone && buffer.size() < size) {
      E e = up.next();
      if (e == null) {
        upstreamDone = true;
      } else {
        buffer.add(e);
      }
    }
    if (buffer.isEmpty()) {
      return null;
    }
    int i = rng.nextInt(0, buffer.size());
    E out = buffer.get(i);
    E last = buffer.remove(buffer.size() - 1);
    if (i < buffer.size()) {
      buffer.set(i, last);
    }
    return out;
  }

  @Override
  public void close() {
    buffer.clear();
    up.close();
  }
}
