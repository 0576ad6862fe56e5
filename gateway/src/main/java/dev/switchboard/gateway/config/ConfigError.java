package dev.switchboard.gateway.config;

import dev.switchboard.gateway.StartupException;

/** A bad configuration value; the message names the key, e.g. {@code tenants[0].id}. */
public final class ConfigError extends StartupException {
  private final String key;
  private final String problem;

  public ConfigError(String key, String problem) {
    super("bad config: " + key + ": " + problem);
    this.key = key;
    this.problem = problem;
  }

  /** The key named, e.g. {@code tenants[0].channels.whatsapp.appSecret}. */
  public String key() {
    return key;
  }

  /** What is wrong with it, e.g. {@code is required}. */
  public String problem() {
    return problem;
  }
}
