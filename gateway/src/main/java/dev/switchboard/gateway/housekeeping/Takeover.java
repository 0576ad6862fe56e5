package dev.switchboard.gateway.housekeeping;

/** Human takeover by API: pause (or resume) a tenant's conversation. */
public record Takeover(String tenantId, long conversationId, boolean pause) {
  /**
   * The conversation after the command; {@code status} is null when the tenant has no such
   * conversation.
   */
  public record State(String status, String pausedReason) {
  }
}
