package dev.switchboard.gateway.cluster;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * Cluster-wide limits shared by demand: every member reports, a few times a second, how many
 * tokens it was asked for under each key (admitted or not), and each member takes the max-min fair
 * part of the limit that its own demand earns ({@link #allocate}). A tenant whose calls all reach
 * one node gets (nearly) its whole limit there; calls spread evenly get even parts; the sum of the
 * parts is the limit, so the members together never exceed it by more than the changes of the last
 * report interval.
 *
 * <p>Each member keeps a small floor ({@link #FLOOR} of an even part) so that calls moving to an
 * idle member are admitted at once, at a low rate, until its next report raises its part. A key
 * nobody reported yet is shared evenly ({@link EvenShares}). The reports are made and read by
 * {@link LimitSharesVerticle}; this class only holds what the hot path reads and writes.
 */
public final class DemandShares implements LimitShares {
  /** The part of an even share every member keeps, however little it was asked for. */
  static final double FLOOR = 0.1;

  private final IntSupplier members;
  private final ConcurrentHashMap<String, Asked> asked = new ConcurrentHashMap<>();
  private volatile Map<String, Double> fractions = Map.of();

  /** What this node was asked for under one key since the last report, and the key's limit. */
  static final class Asked {
    final LongAdder tokens = new LongAdder();
    volatile double perSecond;
  }

  public DemandShares(IntSupplier members) {
    this.members = members;
  }

  @Override
  public void demand(String key, int cost, double perSecond) {
    Asked a = asked.get(key);
    if (a == null) {
      a = asked.computeIfAbsent(key, k -> new Asked());
    }
    a.perSecond = perSecond;
    a.tokens.add(Math.max(1, cost));
  }

  @Override
  public double fraction(String key) {
    Double f = fractions.get(key);
    return f != null ? f : 1.0 / Math.max(1, members.getAsInt());
  }

  /** The keys asked for since the last call, with the tokens asked and the limit (reset as read). */
  Map<String, double[]> drain() {
    Map<String, double[]> out = new HashMap<>();
    asked.forEach((key, a) -> {
      long tokens = a.tokens.sumThenReset();
      if (tokens > 0) {
        out.put(key, new double[] {tokens, a.perSecond});
      }
    });
    return out;
  }

  /** Forgets a key nobody asked for lately (memory stays bounded by the keys in use). */
  void forget(String key) {
    asked.remove(key);
  }

  int members() {
    return Math.max(1, members.getAsInt());
  }

  /** Replaces every part at once (the hot path reads one consistent map). */
  void publish(Map<String, Double> next) {
    fractions = Map.copyOf(next);
  }

  /**
   * The max-min fair division of {@code limit} among {@code demands} (one per member, tokens a
   * second): members asking less than an equal part get what they ask, the rest is divided equally
   * among the others; a limit larger than all demand leaves a remainder spread evenly. Then every
   * member gets at least {@link #FLOOR} of an equal part and the parts are scaled back to sum to
   * the limit. Returns the fraction of the limit for each member, in the order given.
   */
  static double[] allocate(double limit, double[] demands) {
    int n = demands.length;
    double[] parts = new double[n];
    if (n == 0 || limit <= 0) {
      return parts;
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    java.util.Arrays.sort(order, (a, b) -> Double.compare(demands[a], demands[b]));
    double remaining = limit;
    for (int k = 0; k < n; k++) {
      int i = order[k];
      double part = Math.min(Math.max(0, demands[i]), remaining / (n - k));
      parts[i] = part;
      remaining -= part;
    }
    double floor = FLOOR * limit / n;
    double sum = 0;
    for (int i = 0; i < n; i++) {
      parts[i] = Math.max(floor, parts[i] + remaining / n);
      sum += parts[i];
    }
    for (int i = 0; i < n; i++) {
      parts[i] = parts[i] / sum;
    }
    return parts;
  }
}
