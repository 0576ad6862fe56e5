package dev.switchboard.gateway.plugins;

import dev.switchboard.gateway.config.ConfigError;
import dev.switchboard.plugin.message.MessagePlugin;
import dev.switchboard.plugin.spi.ConfigField;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The loaded message plugins by id, and the validation of a tenant's chain against them: an
 * unknown {@code type}, an unknown or missing setting, or a value the plugin refuses is an error
 * naming the tenant's key, the plugin and the field. Immutable.
 */
public final class MessagePluginRegistry {
  private final Map<String, MessagePlugin> byId;

  public MessagePluginRegistry(Map<String, MessagePlugin> byId) {
    this.byId = Map.copyOf(byId);
  }

  public Optional<MessagePlugin> find(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  public Set<String> ids() {
    return byId.keySet();
  }

  /** One validated chain entry: the plugin and its settings (declared defaults filled in). */
  public record Entry(String type, MessagePlugin plugin, Map<String, Object> settings) {
    public Entry {
      settings = Map.copyOf(settings);
    }

    @Override
    public String toString() {
      return "Entry[" + type + "]"; // settings may hold secrets
    }
  }

  /**
   * Validates a chain (the tenant's {@code plugins} list as JSON) and returns its entries.
   *
   * @param key the config key of the list, e.g. {@code tenants[0].plugins}
   * @throws ConfigError naming {@code key[i].field}
   */
  public List<Entry> chain(String key, String pluginsJson) {
    JsonArray list = pluginsJson == null || pluginsJson.isBlank() ? new JsonArray() : new JsonArray(pluginsJson);
    List<Entry> entries = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      String at = key + "[" + i + "]";
      if (!(list.getValue(i) instanceof JsonObject o) || !(o.getValue("type") instanceof String type)) {
        throw new ConfigError(at, "must be a mapping with a 'type'");
      }
      MessagePlugin plugin = byId.get(type);
      if (plugin == null) {
        throw new ConfigError(at + ".type", "no message plugin '" + type + "' is loaded (loaded: "
            + String.join(", ", new TreeSet<>(byId.keySet())) + ")");
      }
      Map<String, Object> settings = new LinkedHashMap<>();
      for (String field : o.fieldNames()) {
        if (!field.equals("type") && plugin.descriptor().field(field) == null) {
          throw new ConfigError(at + "." + field, "unknown setting for plugin " + type);
        }
      }
      for (ConfigField field : plugin.descriptor().configFields()) {
        Object v = o.getValue(field.name());
        if (v == null || (v instanceof String s && s.isBlank())) {
          if (field.required()) {
            throw new ConfigError(at + "." + field.name(), "is required by plugin " + type);
          }
          if (field.defaultValue() != null) {
            settings.put(field.name(), field.defaultValue());
          }
        } else {
          settings.put(field.name(), v instanceof JsonObject j ? j.getMap() : v instanceof JsonArray a ? a.getList() : v);
        }
      }
      try {
        plugin.validate(settings);
      } catch (IllegalArgumentException e) {
        String msg = String.valueOf(e.getMessage());
        int colon = msg.indexOf(": ");
        String field = colon > 0 && !msg.substring(0, colon).contains(" ") ? msg.substring(0, colon) : null;
        throw field != null
            ? new ConfigError(at + "." + field, msg.substring(colon + 2) + " (plugin " + type + ")")
            : new ConfigError(at, msg + " (plugin " + type + ")");
      }
      entries.add(new Entry(type, plugin, settings));
    }
    return entries;
  }
}
