package dev.graft.tensor.support;

/**
 * Loads the Vector API kernels of {@code dev.graft.tensor.vector} by name, so that nothing else in
 * the library compiles or links against the {@code jdk.incubator.vector} module: without the module
 * (the JVM needs {@code --add-modules jdk.incubator.vector}) or with {@code -Dgraft.vector=false},
 * the callers take their plain-Java or BLAS paths instead.
 */
public final class VectorSupport {
  private VectorSupport() {}

  /** Whether the JVM has the incubator module. */
  public static final boolean MODULE =
      ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

  /** Whether the kernels start switched on: the module is there and the property allows it. */
  public static final boolean WANTED =
      MODULE && !"false".equalsIgnoreCase(System.getProperty("graft.vector"));

  /**
   * A new instance of kernel class {@code name} (in {@code dev.graft.tensor.vector}) as {@code
   * type}, or null without the module; a class that fails to link is reported once on stderr.
   *
   * @param name the simple name of the class in {@code dev.graft.tensor.vector}
   * @param type the kernel interface it implements
   * @param <T> the kernel interface
   * @return the kernels, or null when they cannot load
   */
  public static <T> T load(String name, Class<T> type) {
    if (!MODULE) {
      return null;
    }
    try {
      return type.cast(
          Class.forName("dev.graft.tensor.vector." + name).getConstructor().newInstance());
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      System.err.println("graft: Vector API kernels " + name + " unavailable, using loops: " + e);
      return null;
    }
  }
}
