package dev.switchboard.gateway.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/** The YAML config file through vertx-config (read asynchronously; watched for hot reload). */
public final class ConfigFiles {
  private ConfigFiles() {
  }

  /** A retriever of {@code file}; {@code scanPeriodMs} &gt; 0 watches it for changes. */
  public static ConfigRetriever retriever(Vertx vertx, Path file, long scanPeriodMs) {
    ConfigStoreOptions yaml = new ConfigStoreOptions()
        .setType("file")
        .setFormat("yaml")
        .setConfig(new JsonObject().put("path", file.toAbsolutePath().toString()));
    ConfigRetrieverOptions options = new ConfigRetrieverOptions()
        .setIncludeDefaultStores(false)
        .addStore(yaml);
    if (scanPeriodMs > 0) {
      options.setScanPeriod(scanPeriodMs);
    } else {
      options.setScanPeriod(-1);
    }
    return ConfigRetriever.create(vertx, options);
  }
}
