package dev.switchboard.gateway.tenants;

import dev.switchboard.gateway.config.ConfigError;
import dev.switchboard.gateway.plugins.ChannelRegistry;
import dev.switchboard.gateway.plugins.MessagePluginRegistry;
import dev.switchboard.plugin.spi.ConfigField;
import dev.switchboard.plugin.spi.PluginDescriptor;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A tenant in the config file's shape (one entry of {@code tenants}) as the admin API shows and
 * takes it. Secrets are write-only: every set secret — a channel's secret fields, a plugin's secret
 * settings, the API keys — is shown as {@value #MASK}; sending {@value #MASK} back for a secret keeps
 * the stored one.
 */
public final class TenantDocument {
  /** What a set secret is shown as, and what keeps the stored secret when sent back. */
  public static final String MASK = "***";

  private final ChannelRegistry channels;
  private final MessagePluginRegistry plugins;

  public TenantDocument(ChannelRegistry channels, MessagePluginRegistry plugins) {
    this.channels = channels;
    this.plugins = plugins;
  }

  /** A stored tenant, secrets decrypted. Never log it. */
  public record Stored(JsonObject fields, boolean managedByConfig, List<String> keyHashes,
                       Map<String, Map<String, String>> accounts, String chainJson, String createdAt,
                       String updatedAt) {
    @Override
    public String toString() {
      return "Stored[" + fields.getString("id") + "]";
    }
  }

  /** The answer for {@code stored}: its fields with every set secret masked. */
  public JsonObject render(Stored stored) {
    JsonObject doc = stored.fields().copy();
    doc.put("managedBy", stored.managedByConfig() ? "config" : "api");
    JsonArray keys = new JsonArray();
    stored.keyHashes().forEach(h -> keys.add(MASK));
    doc.put("apiKeys", keys);
    JsonObject chans = new JsonObject();
    stored.accounts().forEach((channel, values) -> {
      JsonObject c = new JsonObject();
      PluginDescriptor d = channels.find(channel).map(p -> p.descriptor()).orElse(null);
      values.forEach((k, v) -> c.put(k, secret(d, k) ? MASK : v));
      chans.put(channel, c);
    });
    doc.put("channels", chans);
    JsonArray chain = new JsonArray();
    JsonArray storedChain = stored.chainJson() == null ? new JsonArray() : new JsonArray(stored.chainJson());
    for (Object o : storedChain) {
      if (o instanceof JsonObject entry) {
        String type = entry.getString("type");
        PluginDescriptor d = type == null ? null : plugins.find(type).map(p -> p.descriptor()).orElse(null);
        JsonObject shown = new JsonObject();
        entry.forEach(e -> shown.put(e.getKey(), e.getKey().equals("type") || e.getValue() == null
            || !secret(d, e.getKey()) ? e.getValue() : MASK));
        chain.add(shown);
      }
    }
    doc.put("plugins", chain);
    doc.put("createdAt", stored.createdAt()).put("updatedAt", stored.updatedAt());
    return doc;
  }

  /** A secret field: declared secret, or any field of a plugin that is no longer loaded. */
  private static boolean secret(PluginDescriptor d, String field) {
    if (d == null) {
      return true;
    }
    ConfigField f = d.field(field);
    return f == null || f.secret();
  }

  /** A body with its {@value #MASK} placeholders replaced by the stored secrets, and the API key hashes kept. */
  public record Merged(JsonObject body, List<String> keptHashes) {
    @Override
    public String toString() {
      return "Merged[" + body.getString("id") + "]";
    }
  }

  /**
   * Replaces each {@value #MASK} of {@code body} by the stored value it stands for ({@code stored}
   * is null for a new tenant). Throws a {@link ConfigError} naming the key of a {@value #MASK} that
   * stands for nothing stored. {@code apiKeys} entries {@value #MASK} keep the stored key at that
   * position; the other entries are new keys.
   */
  public static Merged merge(JsonObject body, Stored stored) {
    JsonObject merged = body.copy();
    List<String> kept = new ArrayList<>();
    if (merged.getValue("apiKeys") instanceof JsonArray keys) {
      JsonArray fresh = new JsonArray();
      for (int i = 0; i < keys.size(); i++) {
        if (MASK.equals(keys.getValue(i))) {
          if (stored == null || i >= stored.keyHashes().size()) {
            throw placeholder("apiKeys[" + i + "]");
          }
          kept.add(stored.keyHashes().get(i));
        } else {
          fresh.add(keys.getValue(i));
        }
      }
      merged.put("apiKeys", fresh);
    }
    if (merged.getValue("channels") instanceof JsonObject chans) {
      for (String channel : chans.fieldNames()) {
        if (chans.getValue(channel) instanceof JsonObject c) {
          Map<String, String> old = stored == null ? Map.of() : stored.accounts().getOrDefault(channel, Map.of());
          for (String field : c.fieldNames()) {
            if (MASK.equals(c.getValue(field))) {
              if (old.get(field) == null) {
                throw placeholder("channels." + channel + "." + field);
              }
              c.put(field, old.get(field));
            }
          }
        }
      }
    }
    if (merged.getValue("plugins") instanceof JsonArray chain) {
      JsonArray old = stored == null || stored.chainJson() == null ? new JsonArray() : new JsonArray(stored.chainJson());
      for (int i = 0; i < chain.size(); i++) {
        if (chain.getValue(i) instanceof JsonObject entry) {
          JsonObject before = i < old.size() && old.getValue(i) instanceof JsonObject o
              && o.getValue("type") != null && o.getValue("type").equals(entry.getValue("type")) ? o : null;
          for (String field : entry.fieldNames()) {
            if (MASK.equals(entry.getValue(field))) {
              if (before == null || before.getValue(field) == null) {
                throw placeholder("plugins[" + i + "]." + field);
              }
              entry.put(field, before.getValue(field));
            }
          }
        }
      }
    }
    return new Merged(merged, kept);
  }

  private static ConfigError placeholder(String key) {
    return new ConfigError(key, "\"" + MASK + "\" keeps the stored secret, but none is stored here; give the value");
  }
}
