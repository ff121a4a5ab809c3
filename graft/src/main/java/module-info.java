/**
 * Graft as one Java module: the tensor engine, autograd, the layers and the Keras-style API, for
 * applications on the module path ({@code requires dev.graft;}). The same classes come as four jars
 * for the class path (graft-tensor, graft-autograd, graft-layers, graft-dsl); the layers' base
 * class and the API share the package {@code dev.graft.dsl}, so on the module path they must be one
 * module, this one.
 *
 * <p>The Vector API kernels need {@code --add-modules jdk.incubator.vector} at run time; without it
 * they are left out. jblas is optional: {@code --add-modules jblas} (its jar on the module path) to
 * use it. A subclassed model in a named module must open its package to this module ({@code opens
 * my.pkg to dev.graft;}): Graft finds the layers a subclass holds in its fields by reflection, as
 * Keras tracks a subclassed model's attributes.
 */
@SuppressWarnings({"module", "requires-automatic", "requires-transitive-automatic"})
module dev.graft {
  requires transitive java.desktop;
  requires java.logging;
  requires java.management;
  requires jdk.management;
  requires org.bytedeco.javacpp;
  requires org.bytedeco.openblas;
  requires org.joml;
  requires io.jhdf;
  requires static jdk.incubator.vector;

  exports dev.graft.tensor;
  exports dev.graft.tensor.blas;
  // The kernel families: the layers' and ops' public signatures name their types (Padding,
  // GateActivation, Losses.Kind, Pointwise.Fn, Affine2d.Fill), and a custom op calls them.
  exports dev.graft.tensor.conv;
  exports dev.graft.tensor.elementwise;
  exports dev.graft.tensor.layout;
  exports dev.graft.tensor.norm;
  exports dev.graft.tensor.products;
  exports dev.graft.tensor.recurrent;
  exports dev.graft.tensor.reduce;
  // Not exported: dev.graft.tensor.support (what the families share) and dev.graft.tensor.vector
  // (the Vector API kernels, which this module loads by name).
  exports dev.graft.autograd;
  exports dev.graft.autograd.internal;
  exports dev.graft.autograd.ops;
  exports dev.graft.autograd.optim;
  exports dev.graft.layers;
  exports dev.graft.dsl;
  exports dev.graft.dsl.data;
  exports dev.graft.dsl.internal;
  exports dev.graft.dsl.io;
  exports dev.graft.dsl.plot;
}
