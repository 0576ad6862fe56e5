package dev.switchboard.plugin.channel;

import java.util.Map;

/**
 * One tenant's account on one channel: the settings of {@code tenants[].channels.<id>} in the
 * config file, already validated against the plugin's {@code configFields} and with secrets
 * decrypted. Immutable. Never log it: it holds secrets.
 */
public record AccountConfig(Map<String, String> values) {

  public AccountConfig {
    values = Map.copyOf(values);
  }

  /** The value, or null when the field was not set. */
  public String get(String name) {
    return values.get(name);
  }

  /** The value, or {@code fallback} when the field was not set or blank. */
  public String getOrDefault(String name, String fallback) {
    String v = values.get(name);
    return v == null || v.isBlank() ? fallback : v;
  }

  @Override
  public String toString() {
    return "AccountConfig" + values.keySet(); // keys only: values may be secrets
  }
}
