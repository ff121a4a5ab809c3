package dev.graft.dsl.data;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Groups consecutive elements and combines each group ({@code batch}, {@code paddedBatch}). */
final class BatchCursor<E, B> implements Cursor<B> {
  private final Cursor<E> up;
  private final int size;
  private final boolean dropRemainder;
  private final Function<List<E>, B> combine;
  private long batches;

  BatchCursor(Cursor<E> up, int size, boolean dropRemainder, Function<List<E>, B> combine) {
    this.up = up;
    this.size = size;
    this.dropRemainder = dropRemainder;
    this.combine = combine;
  }

  @Override
  public B next() {
    List<E> group = new ArrayList<>(size);
    for (E e = group.size() < size ? up.next() : null; e != null; ) {
      group.add(e);
      e = group.size() < size ? up.next() : null;
    }
    if (group.isEmpty() || dropRemainder && group.size() < size) {
      return null;
    }
    long index = batches++;
    try {
      return combine.apply(group);
    } catch (IllegalArgumentException e) {
      throw new DataException("batch " + index + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    up.close();
  }
}
