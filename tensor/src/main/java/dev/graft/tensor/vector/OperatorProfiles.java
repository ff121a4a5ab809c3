package dev.graft.tensor.vector;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Runs the Vector API's lane-wise operations with operators of every kind, chosen at run time, so
 * that the JDK's shared operator lookup is profiled with all of them before any kernel compiles.
 *
 * <p>Why: every lane-wise operation goes through {@code VectorOperators.opCode}, a cast of the
 * operator to its implementation class. If C2 compiles that cast while its profile has seen one
 * class only (the product kernels use nothing but FMA, and their family often warms up first), it
 * assumes that class, and the first call with another (an ADD of the convolutions) deoptimizes it:
 * four times, measured. C2 then adds those four class-check traps to its count for every copy of
 * the cast it inlines into a later method, and past about 25 copies (a limit of 100) it stops
 * trusting profiles for casts in the rest of that method: the vector types become unknown, the
 * operations run the Java fallback, and every vector is allocated, for the JVM's life (seed model 2
 * then allocated 13.9 MB a training step, model 1 12.2 MB, instead of a few hundred bytes: in a
 * third of the test suite's JVMs). With every kind seen first, the profile is polymorphic, C2
 * assumes nothing, and nothing traps.
 */
public final class OperatorProfiles implements Runnable {
  /**
   * Made by name when the module is present (see {@code dev.graft.tensor.support.VectorSupport}).
   */
  public OperatorProfiles() {}

  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  /** Calls per operator: enough for the lookup to be profiled past its first compilation. */
  private static final int ROUNDS = 1000;

  private static final VectorOperators.Binary[] BINARY = {
    VectorOperators.ADD,
    VectorOperators.SUB,
    VectorOperators.MUL,
    VectorOperators.DIV,
    VectorOperators.MAX,
    VectorOperators.MIN
  };

  private static final VectorOperators.Unary[] UNARY = {VectorOperators.NEG, VectorOperators.ABS};

  private static final VectorOperators.Ternary[] TERNARY = {VectorOperators.FMA};

  @Override
  public void run() {
    FloatVector one = FloatVector.broadcast(S, 1f);
    FloatVector v = FloatVector.broadcast(S, 0.5f);
    for (int i = 0; i < ROUNDS; i++) {
      for (VectorOperators.Binary op : BINARY) {
        v = Lanes.known(v).lanewise(op, one).min(4f).max(-4f);
      }
      for (VectorOperators.Unary op : UNARY) {
        v = Lanes.known(v).lanewise(op);
      }
      for (VectorOperators.Ternary op : TERNARY) {
        v = Lanes.known(v).lanewise(op, one, one).min(4f).max(-4f);
      }
    }
    sink = Lanes.sum(v);
  }

  /** Keeps the loop's result observable, so that no compiler may drop the loop. */
  private static volatile float sink;
}
