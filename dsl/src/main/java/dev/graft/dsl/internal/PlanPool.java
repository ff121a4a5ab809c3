package dev.graft.dsl.internal;

import dev.graft.autograd.Plan;
import dev.graft.autograd.Program;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Plans of one program for callers that may run at once ({@code predict}, {@code evaluate}): each
 * borrows a plan of its batch size (a new one when all are in use) and gives it back, so no two
 * threads share a plan's buffers; plans share the weights, nothing else. The pool keeps as many
 * plans per batch size as were ever in use at once.
 */
final class PlanPool {
  private final Program program;
  private final Map<Integer, ConcurrentLinkedQueue<Plan>> free = new ConcurrentHashMap<>();

  PlanPool(Program program) {
    this.program = program;
  }

  /** The program the plans run. */
  Program program() {
    return program;
  }

  /** A plan of this batch size for the caller alone, until {@link #giveBack}. */
  Plan borrow(int batch) {
    Plan p = queue(batch).poll();
    return p != null ? p : program.newPlan(batch);
  }

  /** Returns a borrowed plan. */
  void giveBack(Plan plan) {
    queue(plan.batch()).add(plan);
  }

  /**
   * Runs an inference plan holding the read side of {@link WeightsLock}: the weights it reads are
   * those of one completed training step.
   */
  static void runReading(Plan plan) {
    java.util.concurrent.locks.Lock reads = WeightsLock.reads();
    reads.lock();
    try {
      plan.run(false);
    } finally {
      reads.unlock();
    }
  }

  private ConcurrentLinkedQueue<Plan> queue(int batch) {
    return free.computeIfAbsent(batch, k -> new ConcurrentLinkedQueue<>());
  }
}
