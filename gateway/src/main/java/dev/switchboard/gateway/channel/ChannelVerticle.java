package dev.switchboard.gateway.channel;

import dev.switchboard.gateway.cluster.EvenShares;
import dev.switchboard.gateway.cluster.LimitShares;
import dev.switchboard.gateway.config.OutboundSettings;
import dev.switchboard.gateway.metrics.Metrics;
import dev.switchboard.gateway.outbound.OutboundJson;
import dev.switchboard.gateway.store.OutboxRecords.ChatMove;
import dev.switchboard.gateway.store.OutboxRecords.Claim;
import dev.switchboard.gateway.store.OutboxRecords.Claimed;
import dev.switchboard.gateway.store.OutboxRecords.Item;
import dev.switchboard.gateway.store.OutboxRecords.Kind;
import dev.switchboard.gateway.store.OutboxRecords.Settle;
import dev.switchboard.gateway.store.OutboxRecords.Settlement;
import dev.switchboard.gateway.tenants.ChannelAccount;
import dev.switchboard.gateway.tenants.TenantDirectory;
import dev.switchboard.gateway.tenants.TenantView;
import dev.switchboard.gateway.work.ClaimLoop;
import dev.switchboard.gateway.work.TurnBatcher;
import dev.switchboard.plugin.bus.Addresses;
import dev.switchboard.plugin.channel.ChannelContext;
import dev.switchboard.plugin.channel.ChannelPlugin;
import dev.switchboard.plugin.channel.ChannelSender;
import dev.switchboard.plugin.channel.Pacing;
import dev.switchboard.plugin.channel.SendCapabilities;
import dev.switchboard.plugin.channel.SendOutcome;
import dev.switchboard.plugin.model.ChannelId;
import dev.switchboard.plugin.model.OutboundMessage;
import dev.switchboard.plugin.model.TenantId;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sender of one channel plugin. It leases due outbox rows ({@code FOR UPDATE SKIP LOCKED}, so
 * several nodes share the work), paces each within the tenant's {@code limits.outbound}, the
 * account's and the chat's documented pace, records {@code sending} before calling the platform,
 * calls the plugin's {@link ChannelSender}, and records the outcome: sent (with the platform's id),
 * retried after a backoff (honouring the platform's wait, and blocking the recipient or account a
 * throttle names), or failed for good (a dead letter). Outcomes are recorded in batches. A send
 * the plugin re-sent to the chat's new id ({@link SendOutcome.Sent#movedToChatId()}) is recorded
 * with that move, so the conversation and its queued sends follow the chat.
 *
 * <p>A row leased but not yet sent waits here while its pace allows it within the lease; past
 * that, or past the per-tenant hold cap, it goes back to the outbox with its wait, so one tenant's
 * backlog never keeps another tenant's messages out of the claims.
 */
public final class ChannelVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(ChannelVerticle.class);
  /** Sends in flight or waiting for their pace on this node, at most. */
  static final int MAX_ACTIVE = 512;
  private static final int CLAIM_LIMIT = 256;
  private static final int HOLD_PER_TENANT = 64;
  private static final int SETTLE_BATCH = 256;
  private static final long IDLE_POLL_MS = 250;
  /** Taken off the lease left that a claim reports: the claim's commit and its answer's way here. */
  private static final long LEASE_MARGIN_NANOS = TimeUnit.SECONDS.toNanos(1);
  /** Time kept at the end of a lease to record a send's outcome. */
  private static final long RECORD_MARGIN_MS = 3_000;


  private final ChannelPlugin plugin;
  private final String channel;
  private final OutboundSettings settings;
  private final Metrics metrics;
  private final String owner;
  private final Backoff backoff;
  private final Pacer pacer;
  private final Map<String, SenderFor> senders = new HashMap<>();
  private final Map<String, Integer> heldByTenant = new HashMap<>();
  private TurnBatcher<Entry> ready;
  private TurnBatcher<Settlement> outcomes;
  private ClaimLoop claims;
  private TenantDirectory directory = TenantDirectory.EMPTY;
  private HttpClient http;
  private int active;
  private boolean stopping;
  private long pollTimer = -1;
  private long evictTimer = -1;

  /** One tenant's sender, kept while its account config stays the same. */
  private record SenderFor(ChannelAccount account, ChannelSender sender) {
  }

  /** A claimed row on its way out. */
  private record Entry(Item item, OutboundMessage message, TenantView tenant, ChannelSender sender,
                       Pacer.Levels levels, long leasedUntilNanos) {
    /** Millis of the lease left (the row is this node's only until then). */
    long leaseLeftMillis() {
      return TimeUnit.NANOSECONDS.toMillis(leasedUntilNanos - System.nanoTime());
    }
  }

  public ChannelVerticle(ChannelPlugin plugin, OutboundSettings settings, Metrics metrics, String owner) {
    this(plugin, settings, metrics, owner, () -> 1);
  }

  /** @param members how many nodes share each pace now (cluster mode; 1 on a single node): even parts */
  public ChannelVerticle(ChannelPlugin plugin, OutboundSettings settings, Metrics metrics, String owner,
                         java.util.function.IntSupplier members) {
    this(plugin, settings, metrics, owner, new EvenShares(members), new EvenShares(members));
  }

  /** @param shares the tenant and account paces' parts on this node; @param even the per-chat pace's part */
  public ChannelVerticle(ChannelPlugin plugin, OutboundSettings settings, Metrics metrics, String owner,
                         LimitShares shares, EvenShares even) {
    this.pacer = new Pacer(shares, even);
    this.plugin = plugin;
    this.channel = plugin.descriptor().id();
    this.settings = settings;
    this.metrics = metrics;
    this.owner = owner + ":" + channel;
    this.backoff = new Backoff(settings.backoffBase(), settings.backoffMax());
  }

  @Override
  public Future<?> start() {
    ready = new TurnBatcher<>(vertx, SETTLE_BATCH, 2, this::sendReady);
    outcomes = new TurnBatcher<>(vertx, SETTLE_BATCH, 2, this::settleBatch);
    claims = new ClaimLoop(vertx, CLAIM_LIMIT, () -> MAX_ACTIVE - active, this::claim);
    http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000).setIdleTimeout(60)
        .setKeepAlive(true), new PoolOptions().setHttp1MaxSize(64).setMaxWaitQueueSize(MAX_ACTIVE * 2));
    var bus = vertx.eventBus();
    var tenants = bus.<TenantDirectory>localConsumer(Addresses.EVT_TENANTS_CHANGED, m -> adopt(m.body()));
    var queued = bus.<String>localConsumer(Addresses.EVT_OUTBOX_QUEUED, m -> {
      if (channel.equals(m.body())) {
        poll();
      }
    });
    return Future.all(tenants.completion(), queued.completion())
        .compose(v -> bus.<TenantDirectory>request(Addresses.TENANTS_SNAPSHOT, "current"))
        .onSuccess(reply -> {
          adopt(reply.body());
          pollTimer = vertx.setPeriodic(IDLE_POLL_MS, id -> poll());
          evictTimer = vertx.setPeriodic(60_000, id -> pacer.evict(System.nanoTime()));
          poll();
        });
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    claims.stop();
    vertx.cancelTimer(pollTimer);
    vertx.cancelTimer(evictTimer);
    outcomes.flushNow();
    return http == null ? Future.succeededFuture() : http.close();
  }

  private void adopt(TenantDirectory next) {
    if (next.version() >= directory.version()) {
      directory = next;
      senders.keySet().removeIf(t -> directory.tenant(t).map(v -> v.channels().get(channel)).isEmpty());
    }
  }

  private void poll() {
    claims.poll();
  }

  /** Leases up to {@code room} due rows and admits them; the number claimed. */
  private Future<Integer> claim(int room) {
    return vertx.eventBus().<Claimed>request(Addresses.OUTBOX_CLAIM, new Claim(channel, owner, room, settings.lease()),
            new DeliveryOptions().setSendTimeout(15_000))
        .map(reply -> {
          // the lease left as the database granted it, less a margin for the commit and the answer's way back
          long answered = System.nanoTime() - LEASE_MARGIN_NANOS;
          reply.body().items().forEach(item -> admit(item, answered + item.leaseLeft().toNanos()));
          return reply.body().items().size();
        })
        .onFailure(err -> LOG.atDebug().log("{} outbox claim failed: {}", channel, err.toString()));
  }

  private void admit(Item item, long leasedUntilNanos) {
    active++;
    TenantView tenant = directory.tenant(item.tenantId()).orElse(null);
    ChannelAccount account = tenant == null ? null : tenant.channels().get(channel);
    if (account == null) {
      settle(new Settlement(item, Kind.FAILED, null, Duration.ZERO, "channel_not_configured",
          "the tenant has no " + channel + " account any more", false, false));
      return;
    }
    if (item.inDoubt()) {
      metrics.inDoubt(channel);
      if (settings.inDoubt() == OutboundSettings.InDoubt.FAIL) {
        settle(new Settlement(item, Kind.FAILED, null, Duration.ZERO, "in_doubt",
            "the previous attempt may have reached the platform; not resent (outbound.inDoubt: fail)", false, false));
        return;
      }
    }
    OutboundMessage message;
    try {
      message = OutboundJson.toMessage(new JsonObject(item.payloadJson()));
    } catch (RuntimeException e) {
      settle(new Settlement(item, Kind.FAILED, null, Duration.ZERO, "bad_payload",
          "the stored send cannot be read: " + e.getClass().getSimpleName(), false, false));
      return;
    }
    SendCapabilities caps = plugin.sendCapabilities();
    String chat = message.to();
    Pacing recipient = plugin.isGroupChat(chat)
        ? settings.pacing(channel, "group", caps.group()) : settings.pacing(channel, "recipient", caps.recipient());
    Pacer.Levels levels = new Pacer.Levels(Pacer.tenantKey(item.tenantId()),
        Pacing.perSecond(tenant.outbound().perSecond(), tenant.outbound().burst()),
        Pacer.accountKey(item.tenantId(), account.accountRef()), settings.pacing(channel, "account", caps.account()),
        Pacer.recipientKey(item.tenantId(), chat), recipient);
    ChannelSender sender;
    try {
      sender = sender(item.tenantId(), account);
    } catch (RuntimeException e) {
      LOG.atError().log("{} plugin cannot build a sender for tenant {}: {}", channel, item.tenantId(), e.toString());
      settle(new Settlement(item, Kind.FAILED, null, Duration.ZERO, "sender_unavailable",
          "the " + channel + " plugin cannot send for this account: " + e.getMessage(), false, false));
      return;
    }
    pacer.asked(levels); // once per claimed send: its demand on the shared paces (waits re-pace, not re-ask)
    pace(new Entry(item, message, tenant, sender, levels, leasedUntilNanos));
  }

  private ChannelSender sender(String tenant, ChannelAccount account) {
    SenderFor s = senders.get(tenant);
    if (s == null || !s.account().equals(account)) {
      ChannelSender sender = plugin.newSender(new ChannelContext(vertx, http, new TenantId(tenant),
          new ChannelId(channel), account.config()));
      s = new SenderFor(account, sender);
      senders.put(tenant, s);
    }
    return s.sender();
  }

  /** A row is called only with at least half its lease left: time to call the platform and record the answer. */
  private long minLeaseLeftMillis() {
    return settings.lease().toMillis() / 2;
  }

  /** Sends now if the pace allows; else waits here (within the lease) or goes back to the outbox. */
  private void pace(Entry e) {
    if (stopping) {
      active--;
      return; // the lease runs out and another claim takes it (still 'queued': not in doubt)
    }
    long now = System.nanoTime();
    long wait = pacer.acquire(e.levels(), now);
    if (wait == 0) {
      ready.add(e);
      return;
    }
    long waitMs = TimeUnit.NANOSECONDS.toMillis(wait) + 1;
    int held = heldByTenant.getOrDefault(e.item().tenantId(), 0);
    if (e.leaseLeftMillis() - waitMs > minLeaseLeftMillis() + 1_000 && held < HOLD_PER_TENANT) {
      heldByTenant.merge(e.item().tenantId(), 1, Integer::sum);
      vertx.setTimer(waitMs, id -> {
        heldByTenant.computeIfPresent(e.item().tenantId(), (k, n) -> n <= 1 ? null : n - 1);
        pace(e);
      });
    } else {
      settle(new Settlement(e.item(), Kind.RELEASE, null, Duration.ofMillis(waitMs), null, null, false, false));
    }
  }

  /** Records "sending" for everything ready in this turn in one call, then calls the platform for each. */
  private Future<?> sendReady(List<Entry> ready) {
    List<Entry> batch = new ArrayList<>();
    for (Entry e : ready) {
      if (e.leaseLeftMillis() < minLeaseLeftMillis()) {
        // too little of the lease is left to call and record the answer: back to the outbox, not in doubt
        metrics.leaseShort(channel);
        settle(new Settlement(e.item(), Kind.RELEASE, null, Duration.ZERO, null, null, false, false));
      } else {
        batch.add(e);
      }
    }
    if (batch.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Settlement> sending = batch.stream().map(e -> Settlement.of(e.item(), Kind.SENDING)).toList();
    return vertx.eventBus().request(Addresses.OUTBOX_SETTLE, new Settle(owner, sending), new DeliveryOptions().setSendTimeout(15_000))
        .onSuccess(v -> batch.forEach(this::call))
        .onFailure(err -> {
          // not recorded, so not called: the rows stay leased and are claimed again after the lease
          LOG.atWarn().log("{} sends postponed, 'sending' not recorded: {}", channel, err.toString());
          active -= batch.size();
        });
  }

  private void call(Entry e) {
    Future<SendOutcome> outcome;
    try {
      outcome = e.sender().send(e.message());
    } catch (RuntimeException ex) {
      outcome = Future.failedFuture(ex);
    }
    // the answer must be recorded before the lease ends, or another node takes the row and sends again
    outcome.timeout(Math.max(1_000, e.leaseLeftMillis() - RECORD_MARGIN_MS), TimeUnit.MILLISECONDS)
        .onComplete(ar -> record(e, ar.succeeded() ? ar.result()
            : new SendOutcome.RetryAfter(Duration.ZERO, "internal_error",
                "the sender failed: " + ar.cause().getClass().getSimpleName())));
  }

  private void record(Entry e, SendOutcome outcome) {
    LOG.atDebug().log("{} outbox row {}: {}", channel, e.item().id(), outcome);
    if (stopping && outcome instanceof SendOutcome.RetryAfter) {
      // most likely our own shutdown cut the call off, and the platform may have it: the row stays
      // 'sending', so the next owner treats it as in doubt (outbound.inDoubt), as if this process had
      // died mid-call, instead of a plain retry that would resend it uncounted whatever the policy
      active--;
      return;
    }
    Item item = e.item();
    int attempts = item.attempts() + 1;
    if (outcome instanceof SendOutcome.Sent sent) {
      metrics.outbound(channel, "sent");
      metrics.sentLatency(channel, Math.max(0, Duration.between(item.acceptedAt(), Instant.now()).toNanos()));
      ChatMove move = null;
      String from = e.message().to();
      if (sent.movedToChatId() != null && from != null && !sent.movedToChatId().equals(from)) {
        // the chat changed its id (a Telegram group upgraded to a supergroup) and the sender re-sent there:
        // the conversation and its queued sends follow the new id, recorded with this send
        move = new ChatMove(from, sent.movedToChatId());
        metrics.chatMigration(channel, "send");
        LOG.atInfo().log("{} tenant {}: chat {} moved to {} (found by a send); its conversation follows",
            channel, item.tenantId(), from, sent.movedToChatId());
      }
      settle(new Settlement(item, Kind.SENT, sent.platformMessageId(), Duration.ZERO, null, null, false, false,
          move));
    } else if (outcome instanceof SendOutcome.RetryAfter retry) {
      long now = System.nanoTime();
      if (retry.scope() == SendOutcome.Scope.RECIPIENT) {
        pacer.block(e.levels().recipient(), now + retry.after().toNanos());
      } else if (retry.scope() == SendOutcome.Scope.ACCOUNT) {
        pacer.block(e.levels().account(), now + retry.after().toNanos());
      }
      metrics.throttle(channel, retry.scope().name().toLowerCase(Locale.ROOT));
      if (attempts >= settings.maxAttempts()) {
        metrics.outbound(channel, "failed");
        settle(new Settlement(item, Kind.FAILED, null, Duration.ZERO, retry.code(),
            "gave up after " + attempts + " attempts: " + retry.detail(), false, false));
      } else {
        metrics.outbound(channel, "retry");
        Duration wait = retry.scope() == SendOutcome.Scope.MESSAGE
            ? backoff.after(attempts, retry.after()) : retry.after().plusMillis(attempts * 10L);
        settle(new Settlement(item, Kind.RETRY, null, wait, retry.code(), retry.detail(), false, false));
      }
    } else if (outcome instanceof SendOutcome.PermanentFailure failure) {
      metrics.outbound(channel, "failed");
      settle(new Settlement(item, Kind.FAILED, null, Duration.ZERO, failure.code(), failure.detail(),
          failure.recipientUnreachable(), failure.accountUnusable()));
    }
  }

  /** Queues an outcome; outcomes are recorded together (a call per event-loop turn or full batch, two at most in flight). */
  private void settle(Settlement s) {
    outcomes.add(s);
  }

  private Future<?> settleBatch(List<Settlement> batch) {
    return vertx.eventBus().request(Addresses.OUTBOX_SETTLE, new Settle(owner, batch), new DeliveryOptions().setSendTimeout(15_000))
        .onSuccess(v -> {
          active -= batch.size();
          poll(); // a conversation's next message may be due now
        })
        .onFailure(err -> {
          if (stopping) {
            active -= batch.size();
            return;
          }
          // the answers must not be lost (a sent message resent after its lease would be sent twice):
          // try again shortly, for as long as the lease lasts
          LOG.atWarn().log("{} outcomes not recorded yet, retrying: {}", channel, err.toString());
          vertx.setTimer(1_000, id -> outcomes.addAll(batch));
        });
  }
}
