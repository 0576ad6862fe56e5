package dev.switchboard.gateway.cluster;

/**
 * How much of a cluster-wide limit this node may use. Admission and send pacing ask it for each
 * limited key (a tenant, an account) on their own threads, so both calls are cheap and never
 * block: a map read and an adder at most.
 */
public interface LimitShares {
  /** Records that {@code cost} tokens were asked for under {@code key} here, whose limit is {@code perSecond}. */
  void demand(String key, int cost, double perSecond);

  /** This node's part of the limit under {@code key} now, in (0, 1]. */
  double fraction(String key);
}
