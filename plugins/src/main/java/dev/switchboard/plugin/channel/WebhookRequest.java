package dev.switchboard.plugin.channel;

import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * A webhook call as received: exactly the raw body bytes (signatures are computed over them),
 * headers with lower-case names, and query parameters.
 *
 * @param method     HTTP method, upper case
 * @param headers    header name (lower case) → first value
 * @param query      query parameter → first value
 * @param body       the raw body bytes, never re-serialised; empty for GET
 * @param receivedAt when the gateway received the call
 */
public record WebhookRequest(String method, Map<String, String> headers, Map<String, String> query,
                             byte[] body, Instant receivedAt) {

  public WebhookRequest {
    headers = Map.copyOf(headers);
    query = Map.copyOf(query);
    body = body == null ? new byte[0] : body;
  }

  /** The header's first value, or null; {@code name} is matched case-insensitively. */
  public String header(String name) {
    return headers.get(name.toLowerCase(Locale.ROOT));
  }

  public String queryParam(String name) {
    return query.get(name);
  }
}
