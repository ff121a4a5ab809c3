package dev.graft.dsl.data;

import java.util.ArrayDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * {@code map} on worker threads, order kept: the reading thread pulls elements from upstream, hands
 * each to the pool, and returns results in the order they were handed out. At most two elements per
 * worker are in flight, so memory stays bounded however slow the reader is.
 */
final class ParallelMapCursor<E, R> implements Cursor<R> {
  private final Cursor<E> up;
  private final Function<? super E, ? extends R> fn;
  private final ExecutorService pool;
  private final ArrayDeque<Future<R>> inFlight = new ArrayDeque<>();
  private final int capacity;
  private boolean upstreamDone;
  private long submitted;
  private long returned;
  private boolean closed;

  ParallelMapCursor(Cursor<E> up, Function<? super E, ? extends R> fn, int threads) {
    this.up = up;
    this.fn = fn;
    this.capacity = 2 * threads;
    this.pool = Executors.newFixedThreadPool(threads, Threads.factory("map"));
  }

  @Override
  public R next() {
    while (!upstreamDone && inFlight.size() < capacity) {
      E e = up.next();
      if (e == null) {
        upstreamDone = true;
      } else {
        long index = submitted++;
        inFlight.add(pool.submit(() -> Cursors.mapped(fn.apply(e), index)));
      }
    }
    Future<R> f = inFlight.poll();
    if (f == null) {
      return null;
    }
    try {
      R r = f.get();
      returned++;
      return r;
    } catch (ExecutionException e) {
      throw DataException.rethrown(e.getCause(), "a map worker, on element " + returned);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DataException("interrupted while waiting for a map worker", e);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    pool.shutdownNow();
    boolean interrupted = false;
    try {
      boolean ended = false;
      while (!ended) {
        try {
          // waits even for a map function that ignores interrupts: no thread outlives the pass
          ended = pool.awaitTermination(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      up.close();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
