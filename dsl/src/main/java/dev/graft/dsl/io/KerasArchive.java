package dev.graft.dsl.io;

import dev.graft.dsl.Model;
import io.jhdf.HdfFile;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Keras 3's {@code .keras} archive: a zip of {@code metadata.json}, {@code config.json} (the model
 * config plus {@code compile_config}) and {@code model.weights.h5}.
 */
final class KerasArchive {
  private KerasArchive() {}

  /** The Keras version written to {@code metadata.json}: the format Graft follows. */
  static final String KERAS_VERSION = "3.10.0";

  /** Writes {@code m} to {@code file} atomically. */
  static void save(Model m, Path file) {
    Map<String, Object> config = ConfigWriter.model(m);
    Map<String, Object> compile = m.compileConfig();
    if (compile != null) {
      config.put("compile_config", compile);
    }
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("keras_version", KERAS_VERSION);
    meta.put(
        "date_saved",
        LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd@HH:mm:ss")));
    meta.put("producer", "graft");
    H5.Tree weights = KerasWeights.tree(m, true);
    KerasAssetFiles.addVariables(m, weights);
    Map<String, byte[]> assets = KerasAssetFiles.assets(m);
    AtomicFiles.write(
        file,
        tmp -> {
          // jhdf writes only to a path: a second temporary file beside the target.
          Path h5 = AtomicFiles.newTemp(file);
          try {
            H5.write(h5, weights);
            try (OutputStream os = Files.newOutputStream(tmp);
                ZipOutputStream zip = new ZipOutputStream(os)) {
              entry(zip, "metadata.json", Json.write(meta).getBytes(StandardCharsets.UTF_8));
              entry(zip, "config.json", Json.write(config).getBytes(StandardCharsets.UTF_8));
              entry(zip, "model.weights.h5", Files.readAllBytes(h5));
              for (Map.Entry<String, byte[]> a : assets.entrySet()) {
                entry(zip, a.getKey(), a.getValue());
              }
            }
          } finally {
            AtomicFiles.deleteQuietly(h5);
          }
        });
  }

  /** Adds an uncompressed entry, as Keras (Python's zipfile default) writes them. */
  private static void entry(ZipOutputStream zip, String name, byte[] data) throws IOException {
    ZipEntry e = new ZipEntry(name);
    e.setMethod(ZipEntry.STORED);
    e.setSize(data.length);
    e.setCompressedSize(data.length);
    CRC32 crc = new CRC32();
    crc.update(data);
    e.setCrc(crc.getValue());
    zip.putNextEntry(e);
    zip.write(data);
    zip.closeEntry();
  }

  /**
   * The entries of a {@code .keras} archive, which must hold {@code needed}.
   *
   * @throws IllegalArgumentException naming the missing entry and the ones present
   */
  static Map<String, byte[]> entries(Path file, String... needed) throws IOException {
    Map<String, byte[]> entries = FileReads.zipEntries(file);
    for (String need : needed) {
      if (!entries.containsKey(need)) {
        throw new IllegalArgumentException(
            "not a Keras archive: no "
                + need
                + " (entries: "
                + new java.util.TreeSet<>(entries.keySet())
                + ")");
      }
    }
    return entries;
  }

  /** Loads a model from a {@code .keras} archive. */
  static Model load(Path file) throws IOException {
    Map<String, byte[]> entries = entries(file, "config.json", "model.weights.h5");
    Cfg top =
        new Cfg(
            Json.parse(new String(entries.get("config.json"), StandardCharsets.UTF_8)),
            "config.json");
    ConfigReader reader = new ConfigReader(true);
    Model m = reader.model(top);
    try (HdfFile h5 = H5.open(entries.get("model.weights.h5"))) {
      KerasWeights.apply(KerasWeights.read(h5, m, reader.order::get));
      KerasAssetFiles.load(m, reader.order::get, h5, entries);
      if (top.has("compile_config")) {
        CompileConfigs.apply(m, top.cfg("compile_config"));
        KerasWeights.readOptimizer(h5, m);
      }
    }
    return m;
  }
}
