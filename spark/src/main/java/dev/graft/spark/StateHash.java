package dev.graft.spark;

import dev.graft.autograd.Variable;
import dev.graft.dsl.Model;
import dev.graft.tensor.Tensor;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A digest of everything a training step reads: every weight's bits, the optimizer's step counter
 * and state. Equal digests on two workers mean their replicas are identical.
 */
final class StateHash {
  private StateHash() {}

  static String of(Model model) {
    MessageDigest md;
    try {
      md = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    for (Variable v : model.weights()) {
      add(md, v.value());
    }
    var opt = model.optimizer();
    if (opt != null) {
      md.update(ByteBuffer.allocate(8).putLong(0, opt.iterations()));
      for (Variable v : model.trainableWeights()) {
        if (opt.variablesWithState().contains(v)) {
          for (Tensor s : opt.slots(v)) {
            add(md, s);
          }
        }
      }
    }
    return HexFormat.of().formatHex(md.digest(), 0, 8);
  }

  private static void add(MessageDigest md, Tensor t) {
    ByteBuffer b = ByteBuffer.allocate(4 * t.size());
    b.asFloatBuffer().put(t.array(), t.offset(), t.size());
    md.update(b);
  }
}
