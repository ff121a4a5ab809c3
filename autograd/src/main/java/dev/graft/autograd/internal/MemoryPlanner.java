package dev.graft.autograd.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * First-fit allocation of buffer intervals in one float arena. Freed intervals are merged with
 * their neighbours and reused by later buffers, so the arena's size is the plan's peak memory.
 */
public final class MemoryPlanner {
  private final List<int[]> free = new ArrayList<>(); // {start, length}, sorted by start
  private int top;

  /** Reserves {@code size} floats; returns the offset. */
  public int allocate(int size) {
    if (size == 0) {
      return 0;
    }
    for (int i = 0; i < free.size(); i++) {
      int[] b = free.get(i);
      if (b[1] >= size) {
        int at = b[0];
        if (b[1] == size) {
          free.remove(i);
        } else {
          b[0] += size;
          b[1] -= size;
        }
        return at;
      }
    }
    // Grow the arena, absorbing a free block that ends at the top.
    if (!free.isEmpty()) {
      int[] lastBlock = free.get(free.size() - 1);
      if (lastBlock[0] + lastBlock[1] == top) {
        free.remove(free.size() - 1);
        top = lastBlock[0] + size;
        return lastBlock[0];
      }
    }
    int at = top;
    top += size;
    return at;
  }

  /** Returns {@code [offset, offset+size)} to the pool. */
  public void release(int offset, int size) {
    if (size == 0) {
      return;
    }
    int i = 0;
    while (i < free.size() && free.get(i)[0] < offset) {
      i++;
    }
    free.add(i, new int[] {offset, size});
    if (i + 1 < free.size() && offset + size == free.get(i + 1)[0]) {
      free.get(i)[1] += free.remove(i + 1)[1];
    }
    if (i > 0 && free.get(i - 1)[0] + free.get(i - 1)[1] == offset) {
      free.get(i - 1)[1] += free.remove(i)[1];
    }
  }

  /** The arena size needed: the high-water mark in floats. */
  public int peak() {
    return top;
  }
}
