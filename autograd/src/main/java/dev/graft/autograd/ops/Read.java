package dev.graft.autograd.ops;

import dev.graft.autograd.Variable;

/** Reads a {@link Variable}: the plan binds the variable's own tensor, no copy. */
public final class Read extends Leaf {
  private final Variable variable;

  /**
   * Reads {@code variable}.
   *
   * @param variable the variable whose current value each run reads
   */
  public Read(Variable variable) {
    super(variable.shape());
    this.variable = variable;
  }

  /**
   * The variable read.
   *
   * @return the variable given at construction
   */
  public Variable variable() {
    return variable;
  }

  @Override
  public String kind() {
    return "read";
  }

  @Override
  public String attributes() {
    return variable.name();
  }
}
