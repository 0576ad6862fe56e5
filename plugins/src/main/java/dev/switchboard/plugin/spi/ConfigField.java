package dev.switchboard.plugin.spi;

import java.util.Objects;

/**
 * One setting a plugin needs per tenant account.
 *
 * @param name         key in the config file ({@code camelCase})
 * @param required     start-up fails naming the key when it is missing
 * @param secret       encrypted at rest, write-only in the admin API, never logged
 * @param defaultValue used when not set and not required, else null
 * @param description  one line for docs and errors
 */
public record ConfigField(String name, boolean required, boolean secret, String defaultValue,
                          String description) {
  public ConfigField {
    Objects.requireNonNull(name, "name");
  }

  public static ConfigField required(String name, String description) {
    return new ConfigField(name, true, false, null, description);
  }

  public static ConfigField secret(String name, String description) {
    return new ConfigField(name, true, true, null, description);
  }

  public static ConfigField optional(String name, String defaultValue, String description) {
    return new ConfigField(name, false, false, defaultValue, description);
  }
}
