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
  /**
   * Published once per new inbound message that is to be handed to its tenant's plugins (a message
   * stored while its conversation is paused is not): the dispatcher's input.
   */
  public static final String DISPATCH = "sb.dispatch";
  /** Published when the tenant directory changed (config reload, admin API). */
  public static final String EVT_TENANTS_CHANGED = "sb.evt.tenants.changed";
  /** Tenant directory: request the current snapshot. */
  public static final String TENANTS_SNAPSHOT = "sb.tenants.snapshot";

  private Addresses() {
  }

  /** Per-channel outbound fan-out: {@code sb.channel.<id>.send}. */
  public static String channelSend(String channelId) {
    return "sb.channel." + channelId + ".send";
  }
}
