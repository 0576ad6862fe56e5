package dev.switchboard.gateway.plugins;

import dev.switchboard.gateway.config.ConfigError;
import dev.switchboard.plugin.channel.AccountConfig;
import dev.switchboard.plugin.channel.ChannelPlugin;
import dev.switchboard.plugin.spi.ConfigField;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The loaded channel plugins by id. Immutable; plugins are stateless, so it is safe to share. */
public final class ChannelRegistry {
  private final Map<String, ChannelPlugin> byId;

  public ChannelRegistry(Map<String, ChannelPlugin> byId) {
    this.byId = Map.copyOf(byId);
  }

  public Optional<ChannelPlugin> find(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  public Set<String> ids() {
    return byId.keySet();
  }

  /**
   * Validates one tenant account's settings against the plugin's declared fields: unknown keys
   * and missing required keys are errors naming {@code key.<field>}; defaults are filled in.
   */
  public AccountConfig validate(String key, String channelId, Map<String, String> settings) {
    ChannelPlugin plugin = byId.get(channelId);
    if (plugin == null) {
      throw new ConfigError(key, "no channel plugin '" + channelId + "' is loaded (loaded: "
          + String.join(", ", new java.util.TreeSet<>(byId.keySet())) + ")");
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (var entry : settings.entrySet()) {
      if (plugin.descriptor().field(entry.getKey()) == null) {
        throw new ConfigError(key + "." + entry.getKey(), "unknown setting for channel " + channelId);
      }
    }
    for (ConfigField field : plugin.descriptor().configFields()) {
      String v = settings.get(field.name());
      if (v == null || v.isBlank()) {
        if (field.required()) {
          throw new ConfigError(key + "." + field.name(), "is required");
        }
        if (field.defaultValue() != null) {
          values.put(field.name(), field.defaultValue());
        }
      } else {
        values.put(field.name(), v);
      }
    }
    return new AccountConfig(values);
  }
}
