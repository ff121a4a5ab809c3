package dev.graft.spark;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A ring of workers over plain TCP (Java NIO) and its all-reduce: worker {@code r} sends to {@code
 * r+1} and receives from {@code r-1}. {@link #sum} is the bandwidth-optimal ring all-reduce
 * (reduce-scatter, then all-gather: each worker sends and receives {@code 2(N-1)/N} of the vector);
 * every chunk's sum is computed by one worker and copied to the others, so all workers end with the
 * same bits. Each exchange is bounded in time: a peer that sends nothing for {@code timeoutMillis}
 * fails the call with an error naming it.
 *
 * <p>Use: {@link #listen} before the addresses are exchanged (the port is open from then on, so
 * peers may connect early), then {@link #connect} with everyone's address.
 */
final class Ring implements Closeable {
  /** How often a blocked exchange checks whether its task was cancelled. */
  private static final long POLL_MILLIS = 200;

  private final int rank;
  private final int size;
  private final long timeoutMillis;
  private final ServerSocketChannel server;
  private final BooleanSupplier cancelled;
  private List<String> addresses;
  private SocketChannel next;
  private SocketChannel prev;
  private Selector selector;
  private SelectionKey nextKey;
  private SelectionKey prevKey;
  private ByteBuffer out = ByteBuffer.allocateDirect(0);
  private ByteBuffer in = ByteBuffer.allocateDirect(0);
  private float[] scratch = new float[0];
  private long sequence;

  private Ring(
      int rank,
      int size,
      long timeoutMillis,
      ServerSocketChannel server,
      BooleanSupplier cancelled) {
    this.rank = rank;
    this.size = size;
    this.timeoutMillis = timeoutMillis;
    this.server = server;
    this.cancelled = cancelled;
  }

  /**
   * Opens worker {@code rank}'s listening port on {@code host} (an ephemeral port).
   *
   * @param cancelled asked while waiting, so that a cancelled task stops at once
   */
  static Ring listen(int rank, int size, String host, long timeoutMillis, BooleanSupplier cancelled)
      throws IOException {
    ServerSocketChannel s = ServerSocketChannel.open();
    s.bind(new InetSocketAddress(host, 0), size);
    return new Ring(rank, size, timeoutMillis, s, cancelled);
  }

  /** {@code host:port} of this worker's listening socket. */
  String address() throws IOException {
    InetSocketAddress a = (InetSocketAddress) server.getLocalAddress();
    return a.getHostString() + ":" + a.getPort();
  }

  /** Connects to the next worker and accepts the previous one; {@code addresses} by rank. */
  void connect(List<String> addresses) throws IOException {
    this.addresses = addresses;
    if (size == 1) {
      return;
    }
    int to = (rank + 1) % size;
    String[] hp = addresses.get(to).split(":");
    next = SocketChannel.open();
    try {
      next.socket()
          .connect(new InetSocketAddress(hp[0], Integer.parseInt(hp[1])), (int) timeoutMillis);
    } catch (IOException e) {
      throw new IOException("cannot connect to " + worker(to) + ": " + e.getMessage(), e);
    }
    next.setOption(StandardSocketOptions.TCP_NODELAY, true);
    ByteBuffer hello = ByteBuffer.allocate(4).putInt(0, rank);
    while (hello.hasRemaining()) {
      next.write(hello);
    }
    selector = Selector.open();
    server.configureBlocking(false);
    SelectionKey acceptKey = server.register(selector, SelectionKey.OP_ACCEPT);
    int from = (rank + size - 1) % size;
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (prev == null) {
      prev = server.accept();
      if (prev == null) {
        waitFor(deadline, from, "to connect");
      }
    }
    acceptKey.cancel();
    prev.configureBlocking(true);
    prev.socket().setSoTimeout((int) timeoutMillis);
    ByteBuffer peer = ByteBuffer.allocate(4);
    while (peer.hasRemaining()) {
      if (prev.read(peer) < 0) {
        throw new IOException(worker(from) + " closed the connection before saying who it is");
      }
    }
    if (peer.getInt(0) != from) {
      throw new IOException(
          "worker "
              + rank
              + " expected worker "
              + from
              + " to connect, but worker "
              + peer.getInt(0)
              + " did");
    }
    prev.setOption(StandardSocketOptions.TCP_NODELAY, true);
    prev.configureBlocking(false);
    next.configureBlocking(false);
    nextKey = next.register(selector, 0);
    prevKey = prev.register(selector, 0);
  }

  private String worker(int r) {
    return "worker " + r + " (" + addresses.get(r) + ")";
  }

  private void waitFor(long deadline, int peer, String what) throws IOException {
    long left = deadline - System.currentTimeMillis();
    if (left <= 0) {
      throw new IOException(
          "worker "
              + rank
              + " waited "
              + timeoutMillis / 1000.0
              + " s for "
              + worker(peer)
              + " "
              + what
              + ": it hung or died");
    }
    if (cancelled.getAsBoolean()) {
      throw new IOException(
          "worker " + rank + ": task cancelled while waiting for " + worker(peer));
    }
    selector.select(Math.min(left, POLL_MILLIS));
    selector.selectedKeys().clear();
  }

  /** Replaces {@code data[0 .. n)} on every worker by its sum over the workers. */
  void sum(float[] data, int n) throws IOException {
    if (size == 1) {
      return;
    }
    int maxChunk = (n + size - 1) / size;
    if (scratch.length < maxChunk) {
      scratch = new float[maxChunk];
      out = ByteBuffer.allocateDirect(8 + 4 * maxChunk).order(ByteOrder.LITTLE_ENDIAN);
      in = ByteBuffer.allocateDirect(8 + 4 * maxChunk).order(ByteOrder.LITTLE_ENDIAN);
    }
    for (int s = 0; s < size - 1; s++) {
      int send = Math.floorMod(rank - s, size);
      int recv = Math.floorMod(rank - s - 1, size);
      exchange(data, n, send, recv);
      int from = chunkStart(recv, n);
      int len = chunkStart(recv + 1, n) - from;
      in.position(8);
      in.asFloatBuffer().get(scratch, 0, len);
      for (int i = 0; i < len; i++) {
        data[from + i] += scratch[i];
      }
    }
    for (int s = 0; s < size - 1; s++) {
      int send = Math.floorMod(rank + 1 - s, size);
      int recv = Math.floorMod(rank - s, size);
      exchange(data, n, send, recv);
      int from = chunkStart(recv, n);
      int len = chunkStart(recv + 1, n) - from;
      in.position(8);
      in.asFloatBuffer().get(data, from, len);
    }
  }

  private int chunkStart(int c, int n) {
    return (int) ((long) c * n / size);
  }

  /**
   * Sends chunk {@code send} to the next worker while receiving chunk {@code recv} into {@code in}.
   */
  private void exchange(float[] data, int n, int send, int recv) throws IOException {
    long seq = ++sequence;
    int from = chunkStart(send, n);
    int len = chunkStart(send + 1, n) - from;
    out.clear();
    out.putLong(0, seq);
    out.position(8);
    FloatBuffer f = out.asFloatBuffer();
    f.put(data, from, len);
    out.position(0).limit(8 + 4 * len);
    in.clear();
    in.limit(8 + 4 * (chunkStart(recv + 1, n) - chunkStart(recv, n)));
    int prevRank = (rank + size - 1) % size;
    int nextRank = (rank + 1) % size;
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (out.hasRemaining() || in.hasRemaining()) {
      int moved = 0;
      if (out.hasRemaining()) {
        moved += next.write(out);
      }
      if (in.hasRemaining()) {
        int r = prev.read(in);
        if (r < 0) {
          throw new IOException(
              worker(prevRank) + " closed the connection (its task failed or was killed)");
        }
        moved += r;
      }
      if (moved > 0) {
        deadline = System.currentTimeMillis() + timeoutMillis;
        continue;
      }
      nextKey.interestOps(out.hasRemaining() ? SelectionKey.OP_WRITE : 0);
      prevKey.interestOps(in.hasRemaining() ? SelectionKey.OP_READ : 0);
      waitFor(
          deadline,
          in.hasRemaining() ? prevRank : nextRank,
          in.hasRemaining()
              ? "to send its part of all-reduce message " + seq
              : "to take all-reduce message " + seq);
    }
    long got = in.getLong(0);
    if (got != seq) {
      throw new IOException(
          worker(prevRank)
              + " is out of step: sent all-reduce message "
              + got
              + ", expected "
              + seq);
    }
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (Closeable c : new Closeable[] {next, prev, selector, server}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
