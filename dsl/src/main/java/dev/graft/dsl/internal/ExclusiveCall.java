package dev.graft.dsl.internal;

import dev.graft.autograd.Variable;
import dev.graft.dsl.Model;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A running call that changes a model ({@code fit}, {@code trainOnBatch}, {@code gradients}, {@code
 * compile}, {@code setWeights}, {@code loadWeights}): it holds the model and its weights until it
 * ends, and a second such call from another thread is refused with an {@link IllegalStateException}
 * naming the running call, its model and its thread. Refused rather than queued: two threads
 * training one model is a bug in the caller (the steps would interleave into neither schedule), and
 * an error says so at once where a queue would hide it.
 *
 * <p>The weights are held one by one, not the model alone, because a model nested in another shares
 * its {@code Variable}s: while the outer model trains, the inner one's {@code fit} or {@code
 * setWeights} is refused too. The thread that holds a call may make more of them (a callback's
 * {@code setWeights} inside {@code fit}). {@code predict} and {@code evaluate} hold nothing: they
 * run beside these calls (see {@link WeightsLock}).
 *
 * <p>Use: {@code ExclusiveCall.call(model, "fit", () -> ...)}.
 */
public final class ExclusiveCall {
  /** What each held model or weight is held by; guarded by the class. */
  private static final Map<Object, ExclusiveCall> HELD = new IdentityHashMap<>();

  private static final String RULE =
      "fit, trainOnBatch, gradients, compile, setWeights and loadWeights are exclusive: call them"
          + " from one thread at a time (predict and evaluate may run beside them)";

  private final String call;
  private final String model;
  private final Thread thread;
  private final List<Object> taken = new ArrayList<>();

  private ExclusiveCall(String call, String model, Thread thread) {
    this.call = call;
    this.model = model;
    this.thread = thread;
  }

  /**
   * Runs {@code body} as the call {@code call} on {@code model}, holding the model and every weight
   * it reads until it returns; returns its value.
   *
   * @param <T> the body's result type
   * @param model the model called
   * @param call the public method's name, for the message
   * @param body the call's work
   * @return what {@code body} returned
   * @throws IllegalStateException if another thread's call holds the model or one of its weights
   */
  public static <T> T call(Model model, String call, java.util.function.Supplier<T> body) {
    ExclusiveCall c = begin(model, call, true);
    try {
      return body.get();
    } finally {
      c.close();
    }
  }

  /**
   * As {@link #call}, for a body without a value.
   *
   * @param model the model called
   * @param call the public method's name, for the message
   * @param body the call's work
   */
  public static void run(Model model, String call, Runnable body) {
    ExclusiveCall c = begin(model, call, true);
    try {
      body.run();
    } finally {
      c.close();
    }
  }

  /**
   * Refuses {@code call} on {@code model} (an {@link IllegalStateException}) if another thread's
   * call holds the model: for a call that replaces the model's training set-up ({@code compile})
   * without touching the weights.
   *
   * @param model the model called
   * @param call the public method's name, for the message
   */
  public static void check(Model model, String call) {
    begin(model, call, false).close();
  }

  private static ExclusiveCall begin(Model model, String call, boolean withWeights) {
    List<Variable> weights = withWeights && model.hasGraph() ? model.graphWeights() : List.of();
    Thread me = Thread.currentThread();
    ExclusiveCall c = new ExclusiveCall(call, model.name(), me);
    synchronized (ExclusiveCall.class) {
      refuseIfHeld(HELD.get(model), me, call, model, model);
      for (int i = 0; i < weights.size(); i++) { // indexed: an iterator per step is garbage
        refuseIfHeld(HELD.get(weights.get(i)), me, call, model, weights.get(i));
      }
      c.take(model);
      for (int i = 0; i < weights.size(); i++) {
        c.take(weights.get(i));
      }
    }
    return c;
  }

  private static void refuseIfHeld(
      ExclusiveCall owner, Thread me, String call, Model model, Object key) {
    if (owner != null && owner.thread != me) {
      throw owner.refusal(call, model.name(), key);
    }
  }

  private void take(Object key) {
    if (!HELD.containsKey(key)) {
      HELD.put(key, this);
      taken.add(key);
    }
  }

  private IllegalStateException refusal(String refused, String refusedModel, Object key) {
    String what =
        key instanceof Variable v && !model.equals(refusedModel)
            ? " (it holds weight " + v.name() + " of model '" + refusedModel + "', which it uses)"
            : "";
    return new IllegalStateException(
        "Cannot run "
            + refused
            + " on model '"
            + refusedModel
            + "': "
            + call
            + " is already running on model '"
            + model
            + "' (started by thread "
            + thread.getName()
            + ")"
            + what
            + "; "
            + RULE);
  }

  /** Ends the call: releases what it took (nothing, for a call nested in one of its thread). */
  private void close() {
    synchronized (ExclusiveCall.class) {
      for (Object k : taken) {
        HELD.remove(k);
      }
    }
    taken.clear();
  }
}
