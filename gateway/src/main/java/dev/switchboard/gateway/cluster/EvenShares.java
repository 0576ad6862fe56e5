package dev.switchboard.gateway.cluster;

import java.util.function.IntSupplier;

/**
 * Every member gets the same part of every limit: {@code 1 / members}. The single node's shares
 * ({@link #SINGLE}: the whole limit, nothing tracked), and the fallback for a key no member has
 * reported demand for yet.
 */
public final class EvenShares implements LimitShares {
  /** One node: the whole limit. */
  public static final EvenShares SINGLE = new EvenShares(() -> 1);

  private final IntSupplier members;

  public EvenShares(IntSupplier members) {
    this.members = members;
  }

  @Override
  public void demand(String key, int cost, double perSecond) {
    // nothing to share
  }

  @Override
  public double fraction(String key) {
    return 1.0 / Math.max(1, members.getAsInt());
  }
}
