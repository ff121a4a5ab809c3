package dev.graft.dsl.internal;

import dev.graft.autograd.Node;
import dev.graft.autograd.ops.Placeholder;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which model inputs a compiled graph reads. Keras keeps a declared input that the outputs ignore
 * (it may feed a loss or metric there): such a model takes the input's data, checks it, and ignores
 * it. A plan holds buffers only for the inputs it reads, so the data loops skip the rest.
 */
final class FedInputs {
  private FedInputs() {}

  /** {@code names}, with {@code null} in place of each input no node of {@code outputs} reads. */
  static List<String> of(List<String> names, List<Node> outputs) {
    Set<String> read = new HashSet<>();
    BitSet seen = new BitSet();
    List<Node> stack = new ArrayList<>(outputs);
    while (!stack.isEmpty()) {
      Node x = stack.remove(stack.size() - 1);
      if (seen.get(x.id())) {
        continue;
      }
      seen.set(x.id());
      if (x.op() instanceof Placeholder p) {
        read.add(p.name());
      }
      stack.addAll(x.inputs());
    }
    List<String> fed = new ArrayList<>(names.size());
    for (String n : names) {
      fed.add(read.contains(n) ? n : null);
    }
    return fed;
  }
}
