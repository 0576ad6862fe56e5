package dev.switchboard.gateway.admission;

import dev.switchboard.gateway.config.RateLimit;

/** What travels to and from {@link AdmissionVerticle} (local to one JVM). */
public final class AdmissionRecords {
  private AdmissionRecords() {
  }

  /**
   * Lease tokens of {@code tenantId}'s inbound limit: at least {@code need} (0 for a refill ahead
   * of need, which is never refused) and, if the bucket has them, up to {@code want} in all.
   */
  public record AdmitRequest(String tenantId, RateLimit limit, int need, int want) {
  }

  /**
   * The tokens leased ({@code waitSeconds} 0), or none, the whole seconds to wait for {@code need}
   * (the 429's Retry-After) and the exact nanoseconds until the bucket holds them.
   */
  public record AdmitAnswer(int granted, long waitSeconds, long waitNanos) {
    public AdmitAnswer(int granted, long waitSeconds) {
      this(granted, waitSeconds, waitSeconds * 1_000_000_000L);
    }

    public boolean admitted() {
      return waitSeconds == 0;
    }
  }

  /** Tokens of a lease that were not spent (it expired, or the limit changed): back to the bucket. No reply. */
  public record Unused(String tenantId, int tokens) {
  }
}
