package dev.switchboard.gateway.tenants;

import dev.switchboard.gateway.config.RateLimit;
import java.time.Duration;
import dev.switchboard.gateway.plugins.MessagePluginRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the edge needs to know of one tenant. Immutable.
 * {@code apiKeyHashes} are the config file's keys; {@code storedKeys} the live keys created over the
 * admin API (SHA-256 hex → key id).
 */
public record TenantView(String id, String name, RateLimit inbound, RateLimit outbound,
                         Duration autoResumeAfter, Map<String, ChannelAccount> channels,
                         Set<String> apiKeyHashes, List<MessagePluginRegistry.Entry> chain,
                         int perContactDaily, String dailyQuotaNotice, Map<String, Long> storedKeys) {
  public TenantView {
    storedKeys = Map.copyOf(storedKeys);
    channels = Map.copyOf(channels);
    apiKeyHashes = Set.copyOf(apiKeyHashes);
    chain = List.copyOf(chain);
  }

  @Override
  public String toString() {
    return "TenantView[" + id + ", channels=" + channels.keySet() + "]";
  }
}
