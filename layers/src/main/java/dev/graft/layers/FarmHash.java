package dev.graft.layers;

import java.nio.charset.StandardCharsets;

/**
 * FarmHash's {@code Fingerprint64} ({@code farmhashna::Hash64}), the hash TensorFlow's {@code
 * tf.strings.to_hash_bucket_fast} applies to a string's UTF-8 bytes, and so the one Keras's {@code
 * Hashing} and lookups with several OOV indices use. Java's {@code long} arithmetic wraps as C's
 * {@code uint64_t} does; bytes are read little-endian.
 */
final class FarmHash {
  private FarmHash() {}

  private static final long K0 = 0xc3a5c85c97cb3127L;
  private static final long K1 = 0xb492b66fbe98f273L;
  private static final long K2 = 0x9ae16a3b2f90404fL;

  /** The fingerprint of a string's UTF-8 bytes. */
  static long fingerprint64(String s) {
    return hash64(s.getBytes(StandardCharsets.UTF_8));
  }

  /** {@code farmhashna::Hash64} of {@code s}. */
  static long hash64(byte[] s) {
    int len = s.length;
    if (len <= 32) {
      return len <= 16 ? len0to16(s, len) : len17to32(s, len);
    }
    if (len <= 64) {
      return len33to64(s, len);
    }
    long seed = 81;
    long x = seed;
    long y = seed * K1 + 113;
    long z = shiftMix(y * K2 + 113) * K2;
    long v0 = 0;
    long v1 = 0;
    long w0 = 0;
    long w1 = 0;
    x = x * K2 + fetch64(s, 0);
    int end = ((len - 1) / 64) * 64;
    int last64 = end + ((len - 1) & 63) - 63;
    int p = 0;
    long[] pair = new long[2];
    do {
      x = Long.rotateRight(x + y + v0 + fetch64(s, p + 8), 37) * K1;
      y = Long.rotateRight(y + v1 + fetch64(s, p + 48), 42) * K1;
      x ^= w1;
      y += v0 + fetch64(s, p + 40);
      z = Long.rotateRight(z + w0, 33) * K1;
      weak32(s, p, v1 * K1, x + w0, pair);
      v0 = pair[0];
      v1 = pair[1];
      weak32(s, p + 32, z + w1, y + fetch64(s, p + 16), pair);
      w0 = pair[0];
      w1 = pair[1];
      long t = z;
      z = x;
      x = t;
      p += 64;
    } while (p != end);
    long mul = K1 + ((z & 0xff) << 1);
    p = last64;
    w0 += ((len - 1) & 63);
    v0 += w0;
    w0 += v0;
    x = Long.rotateRight(x + y + v0 + fetch64(s, p + 8), 37) * mul;
    y = Long.rotateRight(y + v1 + fetch64(s, p + 48), 42) * mul;
    x ^= w1 * 9;
    y += v0 * 9 + fetch64(s, p + 40);
    z = Long.rotateRight(z + w0, 33) * mul;
    weak32(s, p, v1 * mul, x + w0, pair);
    v0 = pair[0];
    v1 = pair[1];
    weak32(s, p + 32, z + w1, y + fetch64(s, p + 16), pair);
    w0 = pair[0];
    w1 = pair[1];
    long t = z;
    z = x;
    x = t;
    return hashLen16(
        hashLen16(v0, w0, mul) + shiftMix(y) * K0 + z, hashLen16(v1, w1, mul) + x, mul);
  }

  private static long len0to16(byte[] s, int len) {
    if (len >= 8) {
      long mul = K2 + len * 2L;
      long a = fetch64(s, 0) + K2;
      long b = fetch64(s, len - 8);
      long c = Long.rotateRight(b, 37) * mul + a;
      long d = (Long.rotateRight(a, 25) + b) * mul;
      return hashLen16(c, d, mul);
    }
    if (len >= 4) {
      long mul = K2 + len * 2L;
      long a = fetch32(s, 0);
      return hashLen16(len + (a << 3), fetch32(s, len - 4), mul);
    }
    if (len > 0) {
      int a = s[0] & 0xff;
      int b = s[len >> 1] & 0xff;
      int c = s[len - 1] & 0xff;
      long y = (a + (b << 8)) & 0xffffffffL;
      long z = (len + (c << 2)) & 0xffffffffL;
      return shiftMix(y * K2 ^ z * K0) * K2;
    }
    return K2;
  }

  private static long len17to32(byte[] s, int len) {
    long mul = K2 + len * 2L;
    long a = fetch64(s, 0) * K1;
    long b = fetch64(s, 8);
    long c = fetch64(s, len - 8) * mul;
    long d = fetch64(s, len - 16) * K2;
    return hashLen16(
        Long.rotateRight(a + b, 43) + Long.rotateRight(c, 30) + d,
        a + Long.rotateRight(b + K2, 18) + c,
        mul);
  }

  private static long len33to64(byte[] s, int len) {
    long mul = K2 + len * 2L;
    long a = fetch64(s, 0) * K2;
    long b = fetch64(s, 8);
    long c = fetch64(s, len - 8) * mul;
    long d = fetch64(s, len - 16) * K2;
    long y = Long.rotateRight(a + b, 43) + Long.rotateRight(c, 30) + d;
    long z = hashLen16(y, a + Long.rotateRight(b + K2, 18) + c, mul);
    long e = fetch64(s, 16) * mul;
    long f = fetch64(s, 24);
    long g = (y + fetch64(s, len - 32)) * mul;
    long h = (z + fetch64(s, len - 24)) * mul;
    return hashLen16(
        Long.rotateRight(e + f, 43) + Long.rotateRight(g, 30) + h,
        e + Long.rotateRight(f + a, 18) + g,
        mul);
  }

  private static void weak32(byte[] s, int p, long a, long b, long[] out) {
    long w = fetch64(s, p);
    long x = fetch64(s, p + 8);
    long y = fetch64(s, p + 16);
    long z = fetch64(s, p + 24);
    a += w;
    b = Long.rotateRight(b + a + z, 21);
    long c = a;
    a += x;
    a += y;
    b += Long.rotateRight(a, 44);
    out[0] = a + z;
    out[1] = b + c;
  }

  private static long hashLen16(long u, long v, long mul) {
    long a = (u ^ v) * mul;
    a ^= (a >>> 47);
    long b = (v ^ a) * mul;
    b ^= (b >>> 47);
    b *= mul;
    return b;
  }

  private static long shiftMix(long val) {
    return val ^ (val >>> 47);
  }

  private static long fetch64(byte[] s, int p) {
    long r = 0;
    for (int i = 7; i >= 0; i--) {
      r = (r << 8) | (s[p + i] & 0xffL);
    }
    return r;
  }

  private static long fetch32(byte[] s, int p) {
    return (s[p] & 0xffL)
        | (s[p + 1] & 0xffL) << 8
        | (s[p + 2] & 0xffL) << 16
        | (s[p + 3] & 0xffL) << 24;
  }
}
