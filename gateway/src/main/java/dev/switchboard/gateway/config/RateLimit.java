package dev.switchboard.gateway.config;

/** A token-bucket limit: sustained rate and burst size. */
public record RateLimit(int perSecond, int burst) {
  public RateLimit {
    if (perSecond <= 0 || burst <= 0) {
      throw new IllegalArgumentException("perSecond and burst must be positive");
    }
  }
}
