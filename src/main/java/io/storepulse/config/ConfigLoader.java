package io.storepulse.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Reads the configuration file and the environment with vertx-config and turns them into a
 * {@link StorePulseConfig}. An environment variable overrides the file's value for the same
 * setting.
 */
public final class ConfigLoader {

  /** The file read when no other is named. */
  public static final Path DEFAULT_FILE = Path.of("conf", "storepulse.properties");

  private ConfigLoader() {
  }

  /**
   * Loads the configuration.
   *
   * @param file a properties file; a missing {@link #DEFAULT_FILE} is fine, a missing named file is not
   * @throws ConfigException when a value is invalid or the named file cannot be read
   */
  public static StorePulseConfig load(Path file, boolean fileMustExist) {
    if (fileMustExist && !Files.isReadable(file)) {
      throw new ConfigException("configuration file " + file + " cannot be read");
    }
    ConfigRetrieverOptions options = new ConfigRetrieverOptions().setIncludeDefaultStores(false);
    if (Files.exists(file)) {
      options.addStore(new ConfigStoreOptions().setType("file").setFormat("properties")
          .setConfig(new JsonObject().put("path", file.toString()).put("raw-data", true)));
    }
    options.addStore(new ConfigStoreOptions().setType("env").setConfig(new JsonObject().put("raw-data", true)));
    // vertx-config needs a Vert.x instance; this short-lived one is closed before the server's starts
    Vertx vertx = Vertx.vertx();
    try {
      JsonObject merged = ConfigRetriever.create(vertx, options).getConfig()
          .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      return StorePulseConfig.parse(settingValues(merged));
    } catch (java.util.concurrent.ExecutionException e) {
      throw new ConfigException("configuration cannot be read: " + e.getCause().getMessage());
    } catch (java.util.concurrent.TimeoutException | InterruptedException e) {
      throw new ConfigException("configuration cannot be read: " + e);
    } finally {
      vertx.close();
    }
  }

  /** For every known setting, the environment variable's value if set, else the file's. */
  static Map<String, String> settingValues(JsonObject merged) {
    Map<String, String> values = new HashMap<>();
    for (Setting setting : Settings.ALL) {
      Object value = merged.getValue(setting.environmentVariable());
      if (value == null) {
        value = merged.getValue(setting.key());
      }
      if (value != null) {
        values.put(setting.key(), String.valueOf(value));
      }
    }
    return values;
  }
}
