package dev.switchboard.gateway.channel;

import dev.switchboard.gateway.admission.TokenBucket;
import dev.switchboard.gateway.cluster.EvenShares;
import dev.switchboard.gateway.cluster.LimitShares;
import dev.switchboard.plugin.channel.Pacing;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The send pace of one channel on this node: a token bucket per tenant ({@code limits.outbound}),
 * per account and per chat, and the back-offs platforms asked for (a throttle answer blocks the
 * recipient or the account it names until its {@code retry_after}, never the whole channel). A
 * send goes when all three levels have a token and none is blocked. Owned by one verticle.
 * In cluster mode the tenant and account levels are shared among the members by demand (as inbound
 * admission is: {@link LimitShares}), so that two nodes never double a platform's limit and a node
 * that holds all of an account's sends may use (nearly) all of its pace; the per-chat level is divided
 * evenly (a chat's messages go out in order, one at a time, from whichever node holds them).
 */
final class Pacer {
  /** The three keys and limits that pace one send. */
  record Levels(String tenant, Pacing tenantPace, String account, Pacing accountPace, String recipient,
                Pacing recipientPace) {
  }

  private final Map<String, TokenBucket> buckets = new HashMap<>();
  private final Map<String, Long> blockedUntil = new HashMap<>();
  private final LimitShares shares;
  private final EvenShares even;

  Pacer() {
    this(() -> 1);
  }

  Pacer(java.util.function.IntSupplier members) {
    this(new EvenShares(members), new EvenShares(members));
  }

  /** @param shares the tenant and account levels' parts; @param even the per-chat level's (1 / members) */
  Pacer(LimitShares shares, EvenShares even) {
    this.shares = shares;
    this.even = even;
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

  /** A send wants to go under these levels: its demand on the tenant's and the account's shared pace (once a send). */
  void asked(Levels l) {
    demand(l.tenant(), l.tenantPace());
    demand(l.account(), l.accountPace());
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

  private void demand(String key, Pacing pace) {
    if (!pace.unlimited()) {
      shares.demand(key, 1, pace.perSecond());
    }
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
    double part = key.charAt(0) == 'r' ? even.fraction(key) : shares.fraction(key);
    double perSecond = part >= 1.0 ? pace.perSecond() : pace.perSecond() * part;
    int burst = part >= 1.0 ? pace.burst() : (int) Math.ceil(Math.max(1.0, pace.burst() * part));
    TokenBucket b = buckets.computeIfAbsent(key, k -> new TokenBucket(perSecond, burst, now));
    if (!b.sameLimit(perSecond, burst)) {
      b.reconfigure(perSecond, burst, now);
    }
    return b;
  }
}
