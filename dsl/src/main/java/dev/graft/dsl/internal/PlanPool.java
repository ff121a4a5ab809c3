package dev.graft.dsl.internal;

import dev.graft.autograd.Plan;
import dev.graft.autograd.Program;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Plans of one program for callers that may run at once ({@code predict}, {@code evaluate}): each
 * borrows a plan of its batch size (a new one when all are in use) and gives it back, so no two
 * threads share a plan's buffers; plans share the weights, nothing else. The pool keeps as many
 * plans per batch size as were ever in use at once, up to {@link #KEPT}. Borrowing and giving back
 * allocate nothing (slots taken and filled by compare-and-set), so a single request allocates only
 * its output.
 */
final class PlanPool {
  private final Program program;

  /** Idle plans kept per batch size; a plan given back beyond them is left to the collector. */
  static final int KEPT = 32;

  private final Map<Integer, AtomicReferenceArray<Plan>> free = new ConcurrentHashMap<>();

  PlanPool(Program program) {
    this.program = program;
  }

  /** The program the plans run. */
  Program program() {
    return program;
  }

  /** A plan of this batch size for the caller alone, until {@link #giveBack}. */
  Plan borrow(int batch) {
    AtomicReferenceArray<Plan> slots = slots(batch);
    for (int i = 0; i < KEPT; i++) {
      Plan p = slots.get(i);
      if (p != null && slots.compareAndSet(i, p, null)) {
        return p;
      }
    }
    return program.newPlan(batch);
  }

  /** Returns a borrowed plan. */
  void giveBack(Plan plan) {
    AtomicReferenceArray<Plan> slots = slots(plan.batch());
    for (int i = 0; i < KEPT; i++) {
      if (slots.get(i) == null && slots.compareAndSet(i, null, plan)) {
        return;
      }
    }
  }

  /**
   * Runs an inference plan holding the read side of {@link WeightsLock} (the weights it reads are
   * those of one completed training step), in a turn of {@link InferenceGate}.
   */
  static void runReading(Plan plan) {
    java.util.concurrent.locks.Lock reads = WeightsLock.reads();
    reads.lock();
    try {
      boolean turn = InferenceGate.enter();
      try {
        plan.run(false);
      } finally {
        InferenceGate.leave(turn);
      }
    } finally {
      reads.unlock();
    }
  }

  private AtomicReferenceArray<Plan> slots(int batch) {
    return free.computeIfAbsent(batch, k -> new AtomicReferenceArray<>(KEPT));
  }
}
