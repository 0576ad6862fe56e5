package dev.switchboard.gateway.config;

import dev.switchboard.plugin.channel.Pacing;
import java.time.Duration;
import java.util.Map;

/**
 * The {@code outbound:} section: how sends are retried, leased and paced.
 *
 * @param maxAttempts     attempts before a message fails and becomes a dead letter
 * @param inDoubt         what to do with a send whose process died between "calling the platform"
 *                        and "recording the answer": resend it (at least once) or fail it
 * @param queuePerTenant  most messages one tenant may have waiting; more are refused with 429
 * @param lease           how long a claimed row belongs to the node that claimed it
 * @param backoffBase     first retry delay (doubled per attempt, with jitter)
 * @param backoffMax      longest retry delay
 * @param pacing          per channel: overrides of the plugin's documented pace
 *                        ({@code account}, {@code recipient}, {@code group})
 */
public record OutboundSettings(int maxAttempts, InDoubt inDoubt, int queuePerTenant, Duration lease,
                               Duration backoffBase, Duration backoffMax,
                               Map<String, Map<String, Pacing>> pacing) {
  /** What to do with an in-doubt send. */
  public enum InDoubt { RESEND, FAIL }

  public static final OutboundSettings DEFAULTS = new OutboundSettings(10, InDoubt.RESEND, 10_000,
      Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofMinutes(5), Map.of());

  public OutboundSettings {
    pacing = Map.copyOf(pacing);
  }

  /** The configured pace of {@code level} ({@code account}, {@code recipient}, {@code group}) on {@code channel}, or {@code fallback}. */
  public Pacing pacing(String channel, String level, Pacing fallback) {
    return pacing.getOrDefault(channel, Map.of()).getOrDefault(level, fallback);
  }
}
