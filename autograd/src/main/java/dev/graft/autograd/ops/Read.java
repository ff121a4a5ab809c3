package dev.graft.autograd.ops;

import dev.graft.autograd.Variable;

/** Reads a {@link Variable}: the plan binds the variable's own tensor, no copy. */
public final class Read extends Leaf {
  private final Variable variable;

  /** Reads {@code variable}. */
  public Read(Variable variable) {
    super(variable.shape());
    this.variable = variable;
  }

  /** The variable read. */
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
