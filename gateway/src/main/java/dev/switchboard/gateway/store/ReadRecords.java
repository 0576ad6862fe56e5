package dev.switchboard.gateway.store;

/**
 * The bus records of the tenant read API (answered by {@link ReadStoreVerticle}). Every query
 * carries the tenant: no read reaches a row of another tenant. Lists are keyset pages, newest first
 * by id: {@code beforeId} is the last id of the previous page (null for the first).
 */
public final class ReadRecords {
  private ReadRecords() {
  }

  /** {@code GET /v1/conversations}: filters are null when not given. */
  public record ConversationList(String tenantId, String channel, String status, Long contactId, Long beforeId,
                                 int limit) {
  }

  /** {@code GET /v1/conversations/{id}}. */
  public record ConversationGet(String tenantId, long conversationId) {
  }

  /** {@code GET /v1/conversations/{id}/messages}. */
  public record MessageList(String tenantId, long conversationId, Long beforeId, int limit) {
  }

  /** {@code GET /v1/contacts/{id}}. */
  public record ContactGet(String tenantId, long contactId) {
  }

  /** {@code GET /v1/contacts?channel=&platformId=} or {@code ?phone=} (E.164 with its {@code +}). */
  public record ContactLookup(String tenantId, String channel, String platformId, String phone, Long beforeId,
                              int limit) {
  }

  /**
   * A page: {@code dataJson} is the JSON array of rows as the API shows them, {@code lastId} the id of
   * its last row when more rows follow (null on the last page); {@code found} is false when the
   * parent (the conversation of a message list) is not the tenant's.
   */
  public record Page(boolean found, String dataJson, Long lastId) {
  }
}
