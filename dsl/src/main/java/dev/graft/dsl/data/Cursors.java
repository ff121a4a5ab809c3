package dev.graft.dsl.data;

import dev.graft.tensor.Tensor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/** The cursors of the simple, single-threaded sources and transformations. */
final class Cursors {
  private Cursors() {}

  /** Elements {@code at(0) .. at(n-1)}. */
  static <E> Cursor<E> indexed(long n, IntFunction<? extends E> at) {
    return new Cursor<>() {
      private int i;

      @Override
      public E next() {
        return i < n ? at.apply(i++) : null;
      }
    };
  }

  /** The elements of an iterator; a {@code null} element is refused (it would end the pass). */
  static <E> Cursor<E> of(Iterator<? extends E> it) {
    return new Cursor<>() {
      private long index;

      @Override
      public E next() {
        if (!it.hasNext()) {
          return null;
        }
        E e = it.next();
        if (e == null) {
          throw new DataException("fromGenerator: element " + index + " is null");
        }
        index++;
        return e;
      }

      @Override
      public void close() {
        if (it instanceof AutoCloseable c) {
          try {
            c.close();
          } catch (Exception e) {
            throw new DataException("fromGenerator: closing the iterator failed: " + e, e);
          }
        }
      }
    };
  }

  /** {@code fn} applied in the reading thread. */
  static <E, R> Cursor<R> map(Cursor<E> up, Function<? super E, ? extends R> fn) {
    return new Cursor<>() {
      private long index;

      @Override
      public R next() {
        E e = up.next();
        if (e == null) {
          return null;
        }
        return mapped(fn.apply(e), index++);
      }

      @Override
      public void close() {
        up.close();
      }
    };
  }

  /** {@code r}, refused if null (a map function must return an element). */
  static <R> R mapped(R r, long index) {
    if (r == null) {
      throw new DataException("map: the function returned null for element " + index);
    }
    return r;
  }

  static <E> Cursor<E> filter(Cursor<E> up, Predicate<? super E> keep) {
    return new Cursor<>() {
      @Override
      public E next() {
        for (E e = up.next(); e != null; e = up.next()) {
          if (keep.test(e)) {
            return e;
          }
        }
        return null;
      }

      @Override
      public void close() {
        up.close();
      }
    };
  }

  static <E> Cursor<E> take(Cursor<E> up, long n) {
    return new Cursor<>() {
      private long taken;

      @Override
      public E next() {
        if (taken >= n) {
          return null;
        }
        E e = up.next();
        if (e != null) {
          taken++;
        }
        return e;
      }

      @Override
      public void close() {
        up.close();
      }
    };
  }

  static <E> Cursor<E> skip(Cursor<E> up, long n) {
    return new Cursor<>() {
      private boolean skipped;

      @Override
      public E next() {
        if (!skipped) {
          skipped = true;
          for (long i = 0; i < n; i++) {
            if (up.next() == null) {
              return null;
            }
          }
        }
        return up.next();
      }

      @Override
      public void close() {
        up.close();
      }
    };
  }

  /** {@code count} passes of {@code d}; stops early if a pass is empty (else it would spin). */
  static <E> Cursor<E> repeat(Dataset<E> d, long count) {
    return new Cursor<>() {
      private Cursor<E> pass = count > 0 ? d.cursor() : null;
      private long passes = 1;
      private boolean yielded;

      @Override
      public E next() {
        while (pass != null) {
          E e = pass.next();
          if (e != null) {
            yielded = true;
            return e;
          }
          pass.close();
          pass = null;
          if (yielded && passes < count) {
            passes++;
            yielded = false;
            pass = d.cursor();
          }
        }
        return null;
      }

      @Override
      public void close() {
        if (pass != null) {
          pass.close();
          pass = null;
        }
      }
    };
  }

  static Cursor<List<Tensor>> zip(List<Dataset<Tensor>> parts) {
    List<Cursor<Tensor>> cs = new ArrayList<>();
    try {
      for (Dataset<Tensor> d : parts) {
        cs.add(d.cursor());
      }
    } catch (RuntimeException e) {
      cs.forEach(Cursor::close);
      throw e;
    }
    return new Cursor<>() {
      @Override
      public List<Tensor> next() {
        List<Tensor> out = new ArrayList<>(cs.size());
        for (Cursor<Tensor> c : cs) {
          Tensor t = c.next();
          if (t == null) {
            return null;
          }
          out.add(t);
        }
        return out;
      }

      @Override
      public void close() {
        closeAll(cs);
      }
    };
  }

  /** Closes every cursor, even if one fails; the first failure is thrown after. */
  static void closeAll(List<? extends Cursor<?>> cs) {
    RuntimeException first = null;
    for (Cursor<?> c : cs) {
      try {
        c.close();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
