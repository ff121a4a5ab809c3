package dev.graft.layers;

import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.util.Map;

/**
 * Keras's {@code Hashing(num_bins, mask_value)}: each value (a string, or a whole number as its
 * decimal string, as Keras's {@code tf.as_string}) goes to bin {@code Fingerprint64(utf8) mod
 * num_bins} (FarmHash, TensorFlow's {@code to_hash_bucket_fast}), the same bins Keras gives; with a
 * mask value, that value is bin 0 and the others take bins 1 to {@code num_bins - 1}. Output {@code
 * int} (default), {@code one_hot}, {@code multi_hot} or {@code count}. Keras's salted hash ({@code
 * salt}, SipHash) is not implemented.
 *
 * <pre>{@code
 * jshell> hashing(3).apply(new String[][] {{"A"}, {"B"}, {"C"}, {"D"}, {"E"}})
 * $1 ==> [[1], [0], [1], [1], [2]]
 * }</pre>
 */
public final class Hashing extends CategoricalFeed {
  private final int numBins;
  private String maskValue;

  /**
   * Hashes into {@code numBins} bins.
   *
   * @param numBins the number of bins, bin 0 included
   * @param outputMode {@code int}, {@code one_hot}, {@code multi_hot} or {@code count}
   * @throws IllegalArgumentException for {@code numBins < 1} or an unknown output mode
   */
  public Hashing(int numBins, String outputMode) {
    super("Hashing", outputMode, Categorical.MODES);
    checkArgument(numBins > 0, "Hashing", "num_bins", numBins);
    this.numBins = numBins;
  }

  /**
   * Keras's {@code mask_value}: this value (string or number as text) maps to bin 0.
   *
   * @param value the value hashed to bin 0, or {@code null} for none
   * @return this layer, for chaining
   */
  public Hashing maskValue(String value) {
    requireUnbuilt("mask_value");
    this.maskValue = value;
    return this;
  }

  @Override
  protected int depth() {
    return numBins;
  }

  @Override
  protected int[] indices(Object batch, Shape[] shape) {
    String[] values;
    if (batch instanceof Tensor t) {
      long[] v = Categorical.longs(t);
      values = new String[v.length];
      for (int i = 0; i < v.length; i++) {
        values[i] = Long.toString(v[i]);
      }
      shape[0] = t.shape();
    } else {
      StringBatch b = StringBatch.of(batch, name());
      values = b.values();
      shape[0] = b.shape();
    }
    boolean masked = maskValue != null && numBins > 1;
    int bins = masked ? numBins - 1 : numBins;
    int[] ids = new int[values.length];
    for (int i = 0; i < ids.length; i++) {
      if (masked && values[i].equals(maskValue)) {
        ids[i] = 0;
      } else {
        int bin = (int) Long.remainderUnsigned(FarmHash.fingerprint64(values[i]), bins);
        ids[i] = masked ? bin + 1 : bin;
      }
    }
    return ids;
  }

  @Override
  public Map<String, Object> config() {
    Map<String, Object> c = super.config();
    c.put("num_bins", numBins);
    c.put("mask_value", maskValue);
    c.put("salt", null);
    return c;
  }
}
