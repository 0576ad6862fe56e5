package dev.switchboard.gateway.channel;

import dev.switchboard.gateway.admission.TokenBucket;
import dev.switchboard.plugin.channel.Pacing;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The send pace of one channel on this node: a token bucket per tenant ({@code limits.outbound}),
 * per account and per chat, and the back-offs platforms asked for (a throttle answer blocks the
 * recipient or the account it names until its {@code retry_after}, never the whole channel). A
 * send goes when all three levels have a token and none is blocked. Owned by one verticle.
 * In cluster mode every level is divided among the members (as inbound admission is), so that two
 * nodes never double a platform's limit; re-divided when the membership changes.
 */
final class Pacer {
  /** The three keys and limits that pace one send. */
  record Levels(String tenant, Pacing tenantPace, String account, Pacing accountPace, String recipient,
                Pacing recipientPace) {
  }

  private final Map<String, TokenBucket> buckets = new HashMap<>();
  private final Map<String, Long> blockedUntil = new HashMap<>();
  private final java.util.function.IntSupplier members;

  Pacer() {
    this(() -> 1);
  }

  Pacer(java.util.function.IntSupplier members) {
    this.members = members;
  }

  static String tenantKey(String tenant) {
    return "t\u0000" + tenant;
  }

  static String accountKey(String tenant, String account) {
    return "a\u0000" + tenant + '\u0000' + account;
  }

  static String recipientKey(String tenant, String chat) {
    return "r\u0000" + tenant + '\u0000' + chat;
  }

  /** Nanos until the send may go (0: now, and its tokens are taken). */
  long acquire(Levels l, long now) {
    long wait = Math.max(wait(l.tenant(), l.tenantPace(), now),
        Math.max(wait(l.account(), l.accountPace(), now), wait(l.recipient(), l.recipientPace(), now)));
    if (wait == 0) {
      take(l.tenant(), l.tenantPace(), now);
      take(l.account(), l.accountPace(), now);
      take(l.recipient(), l.recipientPace(), now);
    }
    return wait;
  }

  /** Nothing is sent under {@code key} before {@code untilNanos}. */
  void block(String key, long untilNanos) {
    blockedUntil.merge(key, untilNanos, Math::max);
  }

  /** Forgets full buckets and past blocks: memory stays bounded by the chats active lately. */
  int evict(long now) {
    blockedUntil.values().removeIf(until -> until <= now);
    int removed = 0;
    for (Iterator<TokenBucket> it = buckets.values().iterator(); it.hasNext(); ) {
      if (it.next().full(now)) {
        it.remove();
        removed++;
      }
    }
    return removed;
  }

  int size() {
    return buckets.size();
  }

  private long wait(String key, Pacing pace, long now) {
    Long until = blockedUntil.get(key);
    long blocked = until == null ? 0 : until - now;
    long bucket = pace.unlimited() ? 0 : bucket(key, pace, now).waitNanos(1, now);
    return Math.max(0, Math.max(blocked, bucket));
  }

  private void take(String key, Pacing pace, long now) {
    if (!pace.unlimited()) {
      bucket(key, pace, now).tryTake(1, now);
    }
  }

  private TokenBucket bucket(String key, Pacing pace, long now) {
    int n = Math.max(1, members.getAsInt());
    double perSecond = n == 1 ? pace.perSecond() : pace.perSecond() / n;
    int burst = n == 1 ? pace.burst() : (int) Math.ceil(Math.max(1.0, pace.burst() / (double) n));
    TokenBucket b = buckets.computeIfAbsent(key, k -> new TokenBucket(perSecond, burst, now));
    if (!b.sameLimit(perSecond, burst)) {
      b.reconfigure(perSecond, burst, now);
    }
    return b;
  }
}
