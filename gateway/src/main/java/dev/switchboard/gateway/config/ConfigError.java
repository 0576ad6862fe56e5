package dev.switchboard.gateway.config;

import dev.switchboard.gateway.StartupException;

/** A bad configuration value; the message names the key, e.g. {@code tenants[0].id}. */
public final class ConfigError extends StartupException {
  public ConfigError(String key, String problem) {
    super("bad config: " + key + ": " + problem);
  }
}
