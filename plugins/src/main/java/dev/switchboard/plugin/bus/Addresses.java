package dev.switchboard.plugin.bus;

/**
 * Every event-bus address. {@code sb.<component>.<action>} for requests, {@code sb.evt.<topic>}
 * for publications. Tenant and channel travel in the records, never in the address (except the
 * per-channel send fan-out).
 */
public final class Addresses {
  /** Inbox store: durably append a webhook's events (replies when committed). */
  public static final String INBOX_APPEND = "sb.inbox.append";
  /** Inbox store: write an audit row for a refused call. */
  public static final String INBOX_AUDIT = "sb.inbox.audit";
  /** Inbox store: is the database reachable? */
  public static final String INBOX_PING = "sb.inbox.ping";
  /** Admission: lease tokens of a tenant's inbound limit (the inbox store asks per chunk of webhooks). */
  public static final String ADMISSION_LEASE = "sb.admission.lease";
  /** Admission: leased tokens that were not spent, given back (no reply). */
  public static final String ADMISSION_UNUSED = "sb.admission.unused";
  /** Recent idempotency keys: which of a store batch's keys were committed lately. */
  public static final String IDEMPOTENCY_LOOKUP = "sb.idempotency.lookup";
  /** Recent idempotency keys: a batch's keys are committed (stored or already there; no reply). */
  public static final String IDEMPOTENCY_COMMITTED = "sb.idempotency.committed";
  /**
   * Published once per new inbound message that is to be handed to its tenant's plugins (a message
   * stored while its conversation is paused is not): the dispatcher's input.
   */
  public static final String DISPATCH = "sb.dispatch";
  /** Outbox store: durably accept one send (replies when committed, or why not). */
  public static final String OUTBOX_ENQUEUE = "sb.outbox.enqueue";
  /** Outbox store: lease due rows of one channel to a sender. */
  public static final String OUTBOX_CLAIM = "sb.outbox.claim";
  /** Outbox store: record a batch of send outcomes. */
  public static final String OUTBOX_SETTLE = "sb.outbox.settle";
  /** Outbox store: one stored message of a tenant, as the API shows it. */
  public static final String OUTBOX_MESSAGE = "sb.outbox.message";
  /** Outbox store: a tenant's conversation's channel and chat. */
  public static final String OUTBOX_CONVERSATION = "sb.outbox.conversation";
  /** Outbox store: dead letters (one, or a page). */
  public static final String DEAD_LETTERS = "sb.outbox.deadletters";
  /** Outbox store: put a dead letter back in the queue. */
  public static final String DEAD_LETTER_REPLAY = "sb.outbox.replay";
  /** Published with the channel id when a send was queued: wakes that channel's sender. */
  public static final String EVT_OUTBOX_QUEUED = "sb.evt.outbox.queued";
  /**
   * Published when messages were put in the dispatch queue (stored with their queue row, or a
   * replayed dead letter put back): wakes the dispatcher.
   */
  public static final String EVT_DISPATCH_QUEUED = "sb.evt.dispatch.queued";
  /** Housekeeping: pause or resume a conversation (human takeover by API). */
  public static final String CONVERSATION_TAKEOVER = "sb.conversations.takeover";
  /** Read store: a page of a tenant's conversations ({@code GET /v1/conversations}). */
  public static final String READ_CONVERSATIONS = "sb.read.conversations";
  /** Read store: one conversation of a tenant. */
  public static final String READ_CONVERSATION = "sb.read.conversation";
  /** Read store: a page of a conversation's messages, newest first. */
  public static final String READ_MESSAGES = "sb.read.messages";
  /** Read store: one contact of a tenant. */
  public static final String READ_CONTACT = "sb.read.contact";
  /** Read store: a tenant's contacts by platform id or phone. */
  public static final String READ_CONTACTS = "sb.read.contacts";
  /** Published when the tenant directory changed (config reload, admin API). */
  public static final String EVT_TENANTS_CHANGED = "sb.evt.tenants.changed";
  /** Tenant directory: request the current snapshot. */
  public static final String TENANTS_SNAPSHOT = "sb.tenants.snapshot";
  /** AI store: a conversation's recent messages (for a model's prompt) and whether memory is available. */
  public static final String AI_CONTEXT = "sb.ai.context";
  /** AI store: record one model call (usage accounting); no reply. */
  public static final String AI_USAGE_RECORD = "sb.ai.usage.record";
  /** AI store: a tenant's usage, grouped. */
  public static final String AI_USAGE_QUERY = "sb.ai.usage.query";
  /** AI store: is a contact one of the tenant's? */
  public static final String AI_CONTACT = "sb.ai.contact";
  /** Memory store: whether contact memory is available, and why not. */
  public static final String MEMORY_STATUS = "sb.memory.status";
  /** Memory store: a contact's memories nearest to an embedding. */
  public static final String MEMORY_SEARCH = "sb.memory.search";
  /** Memory store: a page of a contact's memories, newest first. */
  public static final String MEMORY_LIST = "sb.memory.list";
  /** Memory store: store one memory. */
  public static final String MEMORY_WRITE = "sb.memory.write";
  /** Memory store: deactivate one memory (soft delete). */
  public static final String MEMORY_DELETE = "sb.memory.delete";

  private Addresses() {
  }

  /** Per-channel outbound fan-out: {@code sb.channel.<id>.send}. */
  public static String channelSend(String channelId) {
    return "sb.channel." + channelId + ".send";
  }
}
