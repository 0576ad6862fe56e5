package dev.switchboard.gateway.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One entry of {@code tenants} in the config file, validated.
 *
 * @param id              tenant id
 * @param name            display name
 * @param apiKeys         the tenant's API keys (plain; only their hashes are stored)
 * @param inbound         inbound webhook limit, or null for none ({@code limits.inbound: unlimited})
 * @param outbound        outbound send limit
 * @param perContactDaily inbound messages per contact per day, 0 = unlimited
 * @param autoResumeAfter human takeover auto-resume
 * @param channels        channel id → its settings as strings (secrets included)
 * @param pluginsJson     the plugin chain as JSON array text
 * @param timezone        the tenant's time zone (its days, for {@code perContactDaily})
 * @param dailyQuotaNotice sent once per contact and day when the contact goes over
 *                        {@code perContactDaily}, or null for none
 */
public record TenantConfig(String id, String name, List<String> apiKeys, RateLimit inbound,
                           RateLimit outbound, int perContactDaily, Duration autoResumeAfter,
                           Map<String, Map<String, String>> channels, String pluginsJson,
                           java.time.ZoneId timezone, String dailyQuotaNotice) {
  public TenantConfig {
    apiKeys = List.copyOf(apiKeys);
    channels = Map.copyOf(channels);
  }

  @Override
  public String toString() {
    return "TenantConfig[" + id + ", channels=" + channels.keySet() + "]"; // no secrets
  }
}
