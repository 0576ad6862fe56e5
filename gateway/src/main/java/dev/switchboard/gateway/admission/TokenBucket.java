package dev.switchboard.gateway.admission;

/** A token bucket: {@code perSecond} tokens flow in, at most {@code burst} are kept. Not thread-safe. */
final class TokenBucket {
  private double perSecond;
  private double burst;
  private double tokens;
  private long lastNanos;

  TokenBucket(int perSecond, int burst, long nowNanos) {
    this.perSecond = perSecond;
    this.burst = burst;
    this.tokens = burst;
    this.lastNanos = nowNanos;
  }

  /** Applies a changed limit without resetting what was spent. */
  void reconfigure(int perSecond, int burst, long nowNanos) {
    refill(nowNanos); // time before the change accrues at the old rate
    this.perSecond = perSecond;
    this.burst = burst;
    this.tokens = Math.min(tokens, burst);
  }

  /** Takes {@code cost} tokens and returns 0, or takes nothing and returns the nanos to wait. */
  long tryTake(int cost, long nowNanos) {
    refill(nowNanos);
    double need = Math.min(cost, burst);
    if (tokens >= need) {
      tokens -= need;
      return 0;
    }
    return (long) Math.ceil((need - tokens) / perSecond * 1e9);
  }

  private void refill(long nowNanos) {
    long elapsed = nowNanos - lastNanos;
    if (elapsed > 0) {
      tokens = Math.min(burst, tokens + elapsed * perSecond / 1e9);
      lastNanos = nowNanos;
    }
  }

  boolean sameLimit(int perSecond, int burst) {
    return this.perSecond == perSecond && this.burst == burst;
  }
}
