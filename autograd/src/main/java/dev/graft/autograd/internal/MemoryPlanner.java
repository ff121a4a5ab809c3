package dev.graft.autograd.internal;

import java.util.ArrayList;
import java.util.List;

/**
 * Assigns buffers to reusable arrays ("slots"), like a register allocator: a buffer takes the
 * smallest free slot that holds it, else the largest free slot (grown), else a new one; a released
 * slot serves later buffers. Every buffer then starts at index 0 of its own array, which lets the
 * JIT vectorise kernel loops (C2 on JDK 17 keeps loops scalar when arrays are indexed from
 * different variable offsets, as one shared arena would force).
 */
public final class MemoryPlanner {
  private final List<Integer> capacity = new ArrayList<>();
  private final List<Boolean> free = new ArrayList<>();

  /**
   * Reserves a slot of at least {@code size} floats; returns its id.
   *
   * @param size the floats needed, 0 or more
   * @return the slot's id, reused after {@link #release(int)}
   */
  public int allocate(int size) {
    int best = -1;
    int largest = -1;
    for (int s = 0; s < capacity.size(); s++) {
      if (!free.get(s)) {
        continue;
      }
      int c = capacity.get(s);
      if (c >= size && (best < 0 || c < capacity.get(best))) {
        best = s;
      }
      if (largest < 0 || c > capacity.get(largest)) {
        largest = s;
      }
    }
    int s = best >= 0 ? best : largest;
    if (s < 0) {
      capacity.add(size);
      free.add(false);
      return capacity.size() - 1;
    }
    capacity.set(s, Math.max(size, capacity.get(s)));
    free.set(s, false);
    return s;
  }

  /**
   * Returns slot {@code s} to the pool.
   *
   * @param s an id returned by {@link #allocate(int)} and not yet released
   */
  public void release(int s) {
    free.set(s, true);
  }

  /**
   * The number of slots.
   *
   * @return how many distinct slots were ever reserved
   */
  public int slots() {
    return capacity.size();
  }

  /**
   * The capacity of slot {@code s} in floats.
   *
   * @param s a slot id
   * @return the largest size reserved in that slot
   */
  public int capacity(int s) {
    return capacity.get(s);
  }

  /**
   * The memory all slots need: the plan's planned size in floats.
   *
   * @return the sum of all slots' capacities, in floats
   */
  public long total() {
    long t = 0;
    for (int c : capacity) {
      t += c;
    }
    return t;
  }
}
