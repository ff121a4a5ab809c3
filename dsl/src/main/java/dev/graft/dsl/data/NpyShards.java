package dev.graft.dsl.data;

import dev.graft.dsl.io.ModelFileException;
import dev.graft.dsl.io.Npy;
import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * One array stored as {@code .npy} shards concatenated along the first axis, memory-mapped: a row
 * is copied out of the page cache when asked for, so the heap never holds more than the rows in
 * flight, whatever the files' size. Every shard is checked when the set is opened.
 */
final class NpyShards {
  /** Largest mapping per chunk: a {@code MappedByteBuffer} addresses at most 2 GB. */
  private static final long CHUNK_BYTES = 1L << 30;

  private static final Set<String> TYPES =
      Set.of("f2", "f4", "f8", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "b1");

  /** One file: its header, first row in the set, and its data mapped in chunks of whole rows. */
  private record Shard(
      Path file,
      Npy.Header header,
      long first,
      long rows,
      long rowsPerChunk,
      ByteBuffer[] chunks,
      FloatBuffer[] floats) {}

  private final Shape rowShape;
  private final int rowSize;
  private final Shard[] shards;
  private final long[] starts;
  private final int rows;

  private NpyShards(Shape rowShape, List<Shard> shards) {
    this.rowShape = rowShape;
    this.rowSize = rowShape.size();
    this.shards = shards.toArray(new Shard[0]);
    this.starts = new long[this.shards.length];
    long total = 0;
    for (int i = 0; i < this.shards.length; i++) {
      starts[i] = this.shards[i].first();
      total += this.shards[i].rows();
    }
    if (total > Integer.MAX_VALUE) {
      throw new DataException(
          "fromNpy: the shards hold "
              + total
              + " rows; at most "
              + Integer.MAX_VALUE
              + " are read");
    }
    this.rows = (int) total;
  }

  /** Opens and checks every shard. */
  static NpyShards open(List<Path> files) {
    if (files.isEmpty()) {
      throw new IllegalArgumentException("fromNpy: no files given");
    }
    List<Shard> out = new ArrayList<>();
    Shape rowShape = null;
    Path firstFile = null;
    long first = 0;
    for (Path f : files) {
      Shard s = shard(f, first);
      Shape r = Shape.of(Arrays.copyOfRange(s.header().shape(), 1, s.header().shape().length));
      if (rowShape == null) {
        rowShape = r;
        firstFile = f;
      } else if (!r.equals(rowShape)) {
        throw new DataException(
            "fromNpy: shard "
                + f
                + " has rows of shape "
                + r
                + " (array "
                + Shape.of(s.header().shape())
                + ") but shard "
                + firstFile
                + " has rows of shape "
                + rowShape
                + ": every shard must agree after the first axis");
      }
      out.add(s);
      first += s.rows();
    }
    return new NpyShards(rowShape, out);
  }

  private static Shard shard(Path f, long first) {
    if (!Files.isRegularFile(f)) {
      throw new DataException("fromNpy: shard " + f + " does not exist or is not a file");
    }
    Npy.Header h;
    try {
      h = Npy.header(f);
    } catch (ModelFileException e) {
      throw new DataException("fromNpy: shard " + e.getMessage(), e);
    }
    String type = h.kind() + "" + h.itemSize();
    if (!TYPES.contains(type)) {
      throw new DataException(
          "fromNpy: shard " + f + " holds dtype " + h.descr() + ", which Graft does not read");
    }
    if (h.shape().length == 0) {
      throw new DataException("fromNpy: shard " + f + " holds a scalar; rows need an axis");
    }
    if (h.fortranOrder() && h.shape().length > 1) {
      throw new DataException(
          "fromNpy: shard "
              + f
              + " is in Fortran order; rows are read in place, so save it in C order"
              + " (np.save(f, np.ascontiguousarray(a)))");
    }
    long rows = h.shape()[0];
    long rowBytes = h.dataBytes() / Math.max(1, rows);
    try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
      long need = h.dataOffset() + h.dataBytes();
      if (ch.size() < need) {
        throw new DataException(
            "fromNpy: shard "
                + f
                + " is cut short: its header promises "
                + Shape.of(h.shape())
                + " ("
                + need
                + " bytes), the file has "
                + ch.size()
                + " bytes");
      }
      long perChunk = rowBytes == 0 ? Math.max(1, rows) : Math.max(1, CHUNK_BYTES / rowBytes);
      int n = (int) ((rows + perChunk - 1) / perChunk);
      ByteBuffer[] chunks = new ByteBuffer[n];
      FloatBuffer[] floats = new FloatBuffer[n];
      for (int c = 0; c < n; c++) {
        long from = c * perChunk;
        long count = Math.min(perChunk, rows - from);
        chunks[c] =
            ch.map(
                    FileChannel.MapMode.READ_ONLY,
                    h.dataOffset() + from * rowBytes,
                    count * rowBytes)
                .order(h.order());
        if (type.equals("f4")) {
          floats[c] = chunks[c].asFloatBuffer();
        }
      }
      return new Shard(f, h, first, rows, perChunk, chunks, floats);
    } catch (IOException e) {
      throw new DataException("fromNpy: cannot read shard " + f + ": " + e.getMessage(), e);
    }
  }

  /** The number of rows in all shards. */
  int rows() {
    return rows;
  }

  /** The shape of one row. */
  Shape rowShape() {
    return rowShape;
  }

  /** Row {@code i} of the whole set, copied into a new tensor. Safe from several threads. */
  Tensor row(int i) {
    float[] out = new float[rowSize];
    copyRow(i, out, 0);
    return Tensor.wrap(out, 0, rowShape);
  }

  /** Copies row {@code i} into {@code dst} at {@code at}. */
  void copyRow(int i, float[] dst, int at) {
    int k = Arrays.binarySearch(starts, i);
    if (k < 0) {
      k = -k - 2;
    }
    while (k + 1 < shards.length && starts[k + 1] == i) {
      k++; // skip empty shards that start at the same row
    }
    Shard s = shards[k];
    long r = i - s.first();
    int c = (int) (r / s.rowsPerChunk());
    int inChunk = (int) (r % s.rowsPerChunk()) * rowSize;
    FloatBuffer fb = s.floats()[c];
    if (fb != null) {
      fb.get(inChunk, dst, at, rowSize);
    } else {
      ByteBuffer b = s.chunks()[c];
      for (int j = 0; j < rowSize; j++) {
        dst[at + j] = s.header().element(b, inChunk + j);
      }
    }
  }
}
