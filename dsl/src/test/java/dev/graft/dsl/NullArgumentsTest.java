package dev.graft.dsl;

import static dev.graft.dsl.Graft.*;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.graft.tensor.Shape;
import dev.graft.tensor.Tensor;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table-driven: every public method and constructor of the user-facing DSL classes, called with
 * {@code null} in each reference parameter in turn, must refuse it at once with an exception whose
 * message names the parameter ({@code "compile: loss must not be null"}), not a bare {@code
 * NullPointerException} from deep inside. Parameter names come from the class files ({@code
 * -parameters}, set in dsl/pom.xml).
 */
class NullArgumentsTest {
  /** The classes users call, and how to make a receiver for their instance methods. */
  private static final Map<Class<?>, Supplier<Object>> CLASSES =
      Map.ofEntries(
          Map.entry(Graft.class, () -> null),
          Map.entry(Model.class, NullArgumentsTest::compiledModel),
          Map.entry(Sequential.class, () -> new Sequential(input(3), List.of(dense(1)))),
          Map.entry(FitOptions.class, () -> epochs(1)),
          Map.entry(History.class, History::new),
          Map.entry(ModelCheckpoint.class, () -> modelCheckpoint("x.keras")),
          Map.entry(EarlyStopping.class, () -> earlyStopping("loss", 1)),
          Map.entry(ReduceLrOnPlateau.class, () -> reduceLrOnPlateau("loss")),
          Map.entry(CsvLogger.class, () -> csvLogger("x.csv")),
          Map.entry(LambdaCallback.class, LambdaCallback::new),
          Map.entry(TerminateOnNaN.class, TerminateOnNaN::new));

  /**
   * Not user calls: the layer protocol a model implements for the library ({@code Model.call} on
   * graph nodes, a subclass's traced {@code call}, shape inference), {@code
   * Class.method#parameter}.
   */
  private static final Set<String> EXCLUDED =
      Set.of(
          "Model.call#ctx",
          "Model.call#inputs",
          "Model.callMasked#ctx",
          "Model.callMasked#inputs",
          "Model.callMasked#masks",
          "Model.outputShapes#in",
          "Sequential.call#inputs");

  /** Parameters whose Javadoc gives {@code null} a meaning: {@code signature#parameter}. */
  private static final Set<String> NULL_ALLOWED =
      Set.of(
          "Graft.input(String name, String dtype, int[] dims)#name",
          "Graft.stringLookup(Integer maxTokens, int numOovIndices, String maskToken, String"
              + " oovToken, String outputMode)#maxTokens",
          "Graft.stringLookup(Integer maxTokens, int numOovIndices, String maskToken, String"
              + " oovToken, String outputMode)#maskToken");

  private static Model compiledModel() {
    var in = input(3);
    Model m = model(in, dense(1).on(in));
    m.compile(adam(), "mse");
    return m;
  }

  static Stream<Arguments> cases() {
    List<Arguments> out = new ArrayList<>();
    for (Class<?> k :
        CLASSES.keySet().stream().sorted(Comparator.comparing(Class::getSimpleName)).toList()) {
      List<Executable> members = new ArrayList<>();
      for (Method m : k.getDeclaredMethods()) {
        if (Modifier.isPublic(m.getModifiers()) && !m.isSynthetic() && !isTrainingHook(m)) {
          members.add(m);
        }
      }
      for (Constructor<?> c : k.getConstructors()) {
        members.add(c);
      }
      members.sort(Comparator.comparing(NullArgumentsTest::signature));
      for (Executable e : members) {
        Parameter[] ps = e.getParameters();
        for (int i = 0; i < ps.length; i++) {
          if (!ps[i].getType().isPrimitive()) {
            String id = k.getSimpleName() + "." + name(e) + "#" + ps[i].getName();
            if (!EXCLUDED.contains(id)
                && !NULL_ALLOWED.contains(signature(e) + "#" + ps[i].getName())) {
              out.add(Arguments.of(signature(e) + " with " + ps[i].getName() + "=null", e, i));
            }
          }
        }
      }
    }
    return out.stream();
  }

  /** The hooks {@code fit} calls on callbacks (not user calls). */
  private static boolean isTrainingHook(Method m) {
    return m.getParameterCount() > 0 && m.getParameterTypes()[0] == Callback.Training.class;
  }

  private static String name(Executable e) {
    return e instanceof Constructor ? "new" : e.getName();
  }

  private static String signature(Executable e) {
    return e.getDeclaringClass().getSimpleName()
        + "."
        + name(e)
        + Arrays.stream(e.getParameters())
            .map(p -> p.getType().getSimpleName() + " " + p.getName())
            .collect(Collectors.joining(", ", "(", ")"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void nullIsRefusedNamingTheParameter(String label, Executable e, int position) throws Exception {
    Parameter[] ps = e.getParameters();
    Object[] args = new Object[ps.length];
    for (int i = 0; i < ps.length; i++) {
      args[i] = i == position ? null : dummy(ps[i].getType());
    }
    Throwable thrown = null;
    try {
      if (e instanceof Method m) {
        Object receiver =
            Modifier.isStatic(m.getModifiers()) ? null : CLASSES.get(m.getDeclaringClass()).get();
        m.invoke(receiver, args);
      } else {
        ((Constructor<?>) e).newInstance(args);
      }
    } catch (InvocationTargetException ite) {
      thrown = ite.getCause();
    }
    if (thrown == null) {
      fail(label + ": accepted null");
    }
    String name = ps[position].getName();
    String msg = String.valueOf(thrown.getMessage());
    assertTrue(
        (thrown instanceof NullPointerException || thrown instanceof IllegalArgumentException)
            && msg.contains(name + " must not be null"),
        label + ": threw " + thrown);
  }

  /** A non-null value of the type (the null check must come before any other check). */
  private static Object dummy(Class<?> t) {
    if (t.isPrimitive()) {
      if (t == boolean.class) {
        return false;
      }
      if (t == double.class) {
        return 0.5;
      }
      if (t == float.class) {
        return 0.5f;
      }
      if (t == long.class) {
        return 1L;
      }
      return 1;
    }
    if (t.isArray()) {
      return Array.newInstance(t.getComponentType(), 0);
    }
    if (t == String.class || t == Object.class) {
      return "x";
    }
    if (t == Tensor.class) {
      return Tensor.rand(2, 3);
    }
    if (t == SymbolicTensor.class) {
      return input(3);
    }
    if (t == Shape.class) {
      return Shape.of(3);
    }
    if (t == Path.class) {
      return Path.of("x");
    }
    if (t == List.class) {
      return List.of();
    }
    if (t == Map.class) {
      return Map.of();
    }
    if (t == Integer.class) {
      return 1;
    }
    if (t == dev.graft.dsl.data.Dataset.class) {
      return dev.graft.dsl.data.Dataset.fromTensorSlices(Tensor.rand(2, 3));
    }
    if (t == FitOptions.class) {
      return epochs(1).verbose(0);
    }
    if (t.isEnum()) {
      return t.getEnumConstants()[0];
    }
    if (Model.class.isAssignableFrom(t)) {
      return compiledModel();
    }
    if (Layer.class.isAssignableFrom(t)) {
      return t.isAssignableFrom(dev.graft.layers.Lstm.class) ? lstm(1) : dense(1);
    }
    if (t.isInterface()) {
      return Proxy.newProxyInstance(t.getClassLoader(), new Class<?>[] {t}, (p, method, a) -> null);
    }
    throw new IllegalStateException("no dummy value for " + t);
  }

  @Test
  void theTableCoversTheMainEntryPoints() {
    List<String> labels = cases().map(a -> (String) a.get()[0]).toList();
    for (String expected :
        List.of(
            "Model.compile(Object optimizer, Object loss, Object[] metrics) with loss=null",
            "Model.predict(Tensor x) with x=null",
            "Model.getLayer(String path) with path=null",
            "Model.fit(Tensor x, Tensor y, FitOptions options) with y=null")) {
      assertTrue(labels.contains(expected), expected + " not in " + labels);
    }
  }
}
