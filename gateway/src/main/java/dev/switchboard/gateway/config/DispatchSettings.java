package dev.switchboard.gateway.config;

import java.time.Duration;

/**
 * The {@code dispatch:} section: how messages go through the tenants' plugin chains.
 *
 * @param maxAttempts          attempts of one chain entry before the message becomes a dead letter
 *                             (a plugin may give up sooner: {@code forward.maxAttempts})
 * @param maxInFlightPerTenant chains of one tenant running at once on a node (a slow bot never
 *                             delays other tenants)
 * @param lease                how long a claimed message belongs to the node that claimed it
 * @param backoffBase          first retry delay, doubled per attempt, with jitter
 * @param backoffMax           longest retry delay
 * @param recoverAfter         a message committed this long ago and never handed to its chain (its
 *                             process died in between) is handed over by the recovery sweep
 * @param runRetentionDays     days the plugin run log is kept
 */
public record DispatchSettings(int maxAttempts, int maxInFlightPerTenant, Duration lease, Duration backoffBase,
                               Duration backoffMax, Duration recoverAfter, int runRetentionDays) {
  public static final DispatchSettings DEFAULTS = new DispatchSettings(10, 64, Duration.ofSeconds(120),
      Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofSeconds(30), 30);
}
