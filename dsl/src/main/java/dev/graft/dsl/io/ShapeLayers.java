package dev.graft.dsl.io;

import dev.graft.dsl.Layer;
import dev.graft.layers.Cropping1D;
import dev.graft.layers.Cropping2D;
import dev.graft.layers.GlobalMaxPooling1D;
import dev.graft.layers.UpSampling1D;
import dev.graft.layers.UpSampling2D;
import dev.graft.layers.ZeroPadding1D;
import dev.graft.layers.ZeroPadding2D;
import java.util.List;

/**
 * Deserializers of the layers that reshape without weights (padding, cropping, upsampling, global
 * max pooling over time), registered in {@link KerasLayers}. ({@code TimeDistributed}, which may
 * wrap a nested model, is read by {@link ConfigReader}.)
 */
final class ShapeLayers {
  private ShapeLayers() {}

  static void register() {
    KerasLayers.register(
        "ZeroPadding1D",
        c -> {
          int[] p = pair(c, "padding", 1);
          return new ZeroPadding1D(p[0], p[1]);
        });
    KerasLayers.register(
        "Cropping1D",
        c -> {
          int[] p = pair(c, "cropping", 1);
          return new Cropping1D(p[0], p[1]);
        });
    KerasLayers.register(
        "ZeroPadding2D",
        c -> {
          int[][] p = pairs2d(c, "padding", 1);
          return new ZeroPadding2D(p[0][0], p[0][1], p[1][0], p[1][1]);
        });
    KerasLayers.register(
        "Cropping2D",
        c -> {
          int[][] p = pairs2d(c, "cropping", 0);
          return new Cropping2D(p[0][0], p[0][1], p[1][0], p[1][1]);
        });
    KerasLayers.register(
        "UpSampling1D",
        c -> {
          KerasLayers.channelsLast(c);
          return new UpSampling1D(c.has("size") ? c.ints("size", 1)[0] : 2);
        });
    KerasLayers.register("UpSampling2D", ShapeLayers::upSampling2d);
    KerasLayers.register(
        "GlobalMaxPooling1D",
        c -> {
          KerasLayers.channelsLast(c);
          return new GlobalMaxPooling1D().keepdims(c.bool("keepdims", false));
        });
  }

  /** {@code (left, right)} from {@code p} or {@code [left, right]}; {@code dflt} when absent. */
  private static int[] pair(Cfg c, String key, int dflt) {
    KerasLayers.channelsLast(c);
    if (!c.has(key)) {
      return new int[] {dflt, dflt};
    }
    int[] p = c.ints(key, 2);
    KerasLayers.require(c, p.length == 2, key, c.get(key));
    return p;
  }

  /**
   * {@code [[top, bottom], [left, right]]} from Keras's three forms: {@code p} (all sides), {@code
   * [h, w]} (symmetric per axis) or the pairs themselves.
   */
  private static int[][] pairs2d(Cfg c, String key, int dflt) {
    KerasLayers.channelsLast(c);
    if (!c.has(key)) {
      return new int[][] {{dflt, dflt}, {dflt, dflt}};
    }
    if (c.get(key) instanceof Number) {
      int p = c.integer(key);
      return new int[][] {{p, p}, {p, p}};
    }
    List<?> axes = c.list(key);
    KerasLayers.require(c, axes.size() == 2, key, c.get(key));
    int[][] out = new int[2][];
    for (int i = 0; i < 2; i++) {
      Cfg one = new Cfg(java.util.Map.of(key, axes.get(i)), c.where() + "." + key + "[" + i + "]");
      out[i] = one.ints(key, 2);
      KerasLayers.require(c, out[i].length == 2, key, c.get(key));
    }
    return out;
  }

  private static Layer upSampling2d(Cfg c) {
    KerasLayers.channelsLast(c);
    int[] size = c.has("size") ? c.ints("size", 2) : new int[] {2, 2};
    KerasLayers.require(c, size.length == 2, "size", c.get("size"));
    String interpolation = c.str("interpolation", "nearest");
    KerasLayers.require(
        c,
        interpolation.equals("nearest") || interpolation.equals("bilinear"),
        "interpolation",
        interpolation);
    return new UpSampling2D(size[0], size[1]).interpolation(interpolation);
  }
}
