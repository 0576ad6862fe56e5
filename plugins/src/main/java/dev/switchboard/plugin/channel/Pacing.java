package dev.switchboard.plugin.channel;

/**
 * A send rate a platform documents, as a token bucket: {@code perSecond} sustained (may be below
 * one: WhatsApp's pair rate is about one message per 6 s) and {@code burst} sends at once.
 */
public record Pacing(double perSecond, int burst) {
  /** No pacing at this level. */
  public static final Pacing UNLIMITED = new Pacing(Double.POSITIVE_INFINITY, Integer.MAX_VALUE);

  public Pacing {
    if (!(perSecond > 0) || burst < 1) {
      throw new IllegalArgumentException("pacing needs perSecond > 0 and burst >= 1");
    }
  }

  public static Pacing perSecond(double perSecond, int burst) {
    return new Pacing(perSecond, burst);
  }

  public static Pacing perMinute(double perMinute, int burst) {
    return new Pacing(perMinute / 60.0, burst);
  }

  public boolean unlimited() {
    return Double.isInfinite(perSecond);
  }
}
