package dev.graft.layers;

import java.util.List;
import java.util.Map;

/**
 * A layer whose Keras call takes more than a list of inputs: tensors as named arguments ({@code
 * MultiHeadAttention(query, value, key=..., attention_mask=...)}) and options that Keras records in
 * each saved call ({@code use_causal_mask}). Graft keeps the options as layer settings that hold
 * for every call; files and configs read and write them per call as Keras does.
 */
public interface KerasCallArguments {
  /**
   * The names of Keras's tensor arguments in the order of Graft's inputs (a call passes a prefix of
   * them), or {@code null} when Keras passes the inputs as one list ({@code Attention([q, v])}).
   *
   * @return the argument names, or {@code null}
   */
  List<String> tensorArguments();

  /**
   * The argument whose tensor stands in for an absent one (Keras's {@code key} defaults to {@code
   * value}), or {@code null} when an absent argument cannot be filled.
   *
   * @param argument the name of an absent tensor argument
   * @return the name of the argument to use instead, or {@code null}
   */
  default String defaultFor(String argument) {
    return null;
  }

  /**
   * The call options as Keras records them in an inbound node's {@code kwargs}.
   *
   * @return the option names to their values; empty when the call used the defaults
   */
  Map<String, Object> callOptions();

  /**
   * Applies the options of one saved call.
   *
   * @param options the saved call's {@code kwargs}, tensors removed
   * @throws IllegalArgumentException naming the layer and the option for an option it does not
   *     honour, or one that differs from an earlier call's
   */
  void applyCallOptions(Map<String, Object> options);
}
