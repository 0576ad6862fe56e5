package dev.switchboard.gateway.tenants;

import dev.switchboard.gateway.config.TenantConfig;
import dev.switchboard.gateway.plugins.ChannelRegistry;
import dev.switchboard.gateway.plugins.MessagePluginRegistry;
import dev.switchboard.plugin.channel.AccountConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Validates every tenant's channel settings against the plugins' declared fields. */
public final class TenantAccounts {
  private TenantAccounts() {
  }

  /** Validates every tenant's plugin chain; throws a ConfigError naming {@code tenants[i].plugins[j].field}. */
  public static void validateChains(List<TenantConfig> tenants, MessagePluginRegistry plugins) {
    for (int i = 0; i < tenants.size(); i++) {
      plugins.chain("tenants[" + i + "].plugins", tenants.get(i).pluginsJson());
    }
  }

  /**
   * One tenant given over the admin API: its channel accounts (returned) and its plugin chain are
   * validated as at start-up, the errors naming the key from the entry's root
   * ({@code channels.whatsapp.appSecret}, {@code plugins[0].url}).
   */
  public static Map<String, AccountConfig> validateOne(TenantConfig t, ChannelRegistry channels,
                                                       MessagePluginRegistry plugins) {
    Map<String, AccountConfig> accounts = new LinkedHashMap<>();
    for (var entry : t.channels().entrySet()) {
      accounts.put(entry.getKey(), channels.validate("channels." + entry.getKey(), entry.getKey(), entry.getValue()));
    }
    plugins.chain("plugins", t.pluginsJson());
    return accounts;
  }

  /** tenant id → channel id → validated account; throws a ConfigError naming the bad key. */
  public static Map<String, Map<String, AccountConfig>> validate(List<TenantConfig> tenants,
                                                                 ChannelRegistry channels) {
    Map<String, Map<String, AccountConfig>> result = new LinkedHashMap<>();
    for (int i = 0; i < tenants.size(); i++) {
      TenantConfig t = tenants.get(i);
      Map<String, AccountConfig> accounts = new LinkedHashMap<>();
      for (var entry : t.channels().entrySet()) {
        String key = "tenants[" + i + "].channels." + entry.getKey();
        accounts.put(entry.getKey(), channels.validate(key, entry.getKey(), entry.getValue()));
      }
      result.put(t.id(), accounts);
    }
    return result;
  }
}
