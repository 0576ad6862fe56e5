package dev.switchboard.gateway.store;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * When this node last marked each sending account up. A platform account flagged unusable (an
 * expired token: {@code state = 'unauthorized'}) is marked up again by the next send that succeeds;
 * every batch of sends used to carry that update, a statement and a transaction around it for
 * nothing on an account that is up. It is now due once per {@link #INTERVAL_NANOS} per account, and
 * at once after this node marked the account down; an account another node marked down is seen up
 * again within the interval. Confined to the outbox store's context.
 */
final class AccountMarks {
  static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final Map<String, Long> markedUpAt = new HashMap<>();

  /** True (and noted) when {@code account} is due to be marked up at {@code now} ({@link System#nanoTime}). */
  boolean upDue(String account, long now) {
    Long last = markedUpAt.get(account);
    if (last != null && now - last < INTERVAL_NANOS) {
      return false;
    }
    markedUpAt.put(account, now);
    return true;
  }

  /** {@code account} was just marked down: the next success marks it up at once. */
  void down(String account) {
    markedUpAt.remove(account);
  }
}
