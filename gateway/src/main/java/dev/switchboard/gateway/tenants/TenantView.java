package dev.switchboard.gateway.tenants;

import dev.switchboard.gateway.config.RateLimit;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/** What the edge needs to know of one tenant. Immutable. */
public record TenantView(String id, String name, RateLimit inbound, RateLimit outbound,
                         Duration autoResumeAfter, Map<String, ChannelAccount> channels,
                         Set<String> apiKeyHashes) {
  public TenantView {
    channels = Map.copyOf(channels);
    apiKeyHashes = Set.copyOf(apiKeyHashes);
  }

  @Override
  public String toString() {
    return "TenantView[" + id + ", channels=" + channels.keySet() + "]";
  }
}
