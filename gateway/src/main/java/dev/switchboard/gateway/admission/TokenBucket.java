package dev.switchboard.gateway.admission;

/**
 * A token bucket: {@code perSecond} tokens flow in (may be below one: one token per 6 s is
 * {@code 1.0 / 6}), at most {@code burst} are kept. Not thread-safe: owned by one verticle.
 */
public final class TokenBucket {
  private double perSecond;
  private double burst;
  private double tokens;
  private long lastNanos;

  public TokenBucket(double perSecond, int burst, long nowNanos) {
    this.perSecond = perSecond;
    this.burst = burst;
    this.tokens = burst;
    this.lastNanos = nowNanos;
  }

  /** Applies a changed limit without resetting what was spent. */
  public void reconfigure(double perSecond, int burst, long nowNanos) {
    refill(nowNanos); // time before the change accrues at the old rate
    this.perSecond = perSecond;
    this.burst = burst;
    this.tokens = Math.min(tokens, burst);
  }

  /** Takes {@code cost} tokens and returns 0, or takes nothing and returns the nanos to wait. */
  public long tryTake(int cost, long nowNanos) {
    long wait = waitNanos(cost, nowNanos);
    if (wait == 0) {
      tokens -= Math.min(cost, burst);
    }
    return wait;
  }

  /**
   * Takes {@code need} tokens and as many more whole tokens as there are, up to {@code want} in
   * all (a lease): returns the tokens taken, or {@code -nanos} to wait for {@code need} when they
   * are not there (nothing taken). As {@link #tryTake}, a {@code need} above the burst is granted
   * once the bucket is full.
   */
  public long takeUpTo(int need, int want, long nowNanos) {
    long wait = waitNanos(need, nowNanos);
    if (wait > 0) {
      return -wait;
    }
    double taken = Math.min(need, burst);
    long extra = (long) Math.floor(Math.max(0, Math.min(want - need, tokens - taken)));
    tokens -= taken + extra;
    return need + extra;
  }

  /** Puts back {@code unused} tokens of a lease that was not spent (never above the burst). */
  public void giveBack(int unused, long nowNanos) {
    refill(nowNanos);
    tokens = Math.min(burst, tokens + Math.max(0, unused));
  }

  /** The nanos until {@code cost} tokens are there (0: now), taking nothing. */
  public long waitNanos(int cost, long nowNanos) {
    refill(nowNanos);
    double need = Math.min(cost, burst);
    if (tokens >= need) {
      return 0;
    }
    return (long) Math.ceil((need - tokens) / perSecond * 1e9);
  }

  /** True when the bucket is full: it remembers nothing a fresh one would not. */
  public boolean full(long nowNanos) {
    refill(nowNanos);
    return tokens >= burst;
  }

  private void refill(long nowNanos) {
    long elapsed = nowNanos - lastNanos;
    if (elapsed > 0) {
      tokens = Math.min(burst, tokens + elapsed * perSecond / 1e9);
      lastNanos = nowNanos;
    }
  }

  public boolean sameLimit(double perSecond, int burst) {
    return this.perSecond == perSecond && this.burst == burst;
  }
}
