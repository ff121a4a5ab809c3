package dev.graft.dsl.data;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code cache()}: the first complete pass is recorded, in memory or in a file, and replayed by the
 * passes after it. A file written by an earlier run is read at once; a pass that stops early
 * records nothing (a partial cache would silently drop data).
 */
final class CacheDataset<E> extends Dataset<E> {
  private final Dataset<E> source;
  private final Path file;
  private volatile List<E> memory;

  CacheDataset(Dataset<E> source, Path file) {
    this.source = source;
    this.file = file;
  }

  @Override
  public long cardinality() {
    return source.cardinality();
  }

  @Override
  Cursor<E> cursor() {
    List<E> m = memory;
    if (m != null) {
      return Cursors.indexed(m.size(), m::get);
    }
    if (file != null && Files.isRegularFile(file)) {
      return reading();
    }
    return recording(source.cursor());
  }

  private Cursor<E> recording(Cursor<E> up) {
    List<E> seen = new ArrayList<>();
    DataOutputStream out = file == null ? null : open(temporary());
    return new Cursor<>() {
      private boolean finished;

      @Override
      public E next() {
        E e = up.next();
        if (e == null) {
          if (!finished) {
            finished = true;
            publish(seen, out);
          }
          return null;
        }
        if (out == null) {
          seen.add(e);
        } else {
          try {
            CacheCodec.write(out, e);
          } catch (IOException x) {
            throw new DataException(
                "cache: cannot write " + temporary() + ": " + x.getMessage(), x);
          }
        }
        return e;
      }

      @Override
      public void close() {
        up.close();
        if (out != null && !finished) {
          finished = true;
          try {
            out.close();
            Files.deleteIfExists(temporary());
          } catch (IOException x) {
            // the partial file is only a temporary: the next pass writes it again
          }
        }
      }
    };
  }

  private void publish(List<E> seen, DataOutputStream out) {
    if (out == null) {
      memory = List.copyOf(seen);
      return;
    }
    try {
      out.writeByte(CacheCodec.END);
      out.close();
      Files.move(temporary(), file, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException x) {
      throw new DataException("cache: cannot write " + file + ": " + x.getMessage(), x);
    }
  }

  private Path temporary() {
    return file.resolveSibling(file.getFileName() + ".partial");
  }

  private static DataOutputStream open(Path p) {
    try {
      return new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(p), 1 << 16));
    } catch (IOException x) {
      throw new DataException("cache: cannot create " + p + ": " + x.getMessage(), x);
    }
  }

  private Cursor<E> reading() {
    DataInputStream in;
    try {
      in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
    } catch (IOException x) {
      throw new DataException("cache: cannot read " + file + ": " + x.getMessage(), x);
    }
    return new Cursor<>() {
      private long index;

      @Override
      @SuppressWarnings("unchecked")
      public E next() {
        try {
          Object o = CacheCodec.read(in);
          if (o != null) {
            index++;
          }
          return (E) o;
        } catch (IOException x) {
          throw new DataException(
              "cache: " + file + " is corrupt at element " + index + ": " + x.getMessage(), x);
        }
      }

      @Override
      public void close() {
        try {
          in.close();
        } catch (IOException x) {
          // reading is over; nothing to recover
        }
      }
    };
  }
}
