package dev.switchboard.channel.evolution;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads Evolution API 2.3 error bodies, which always have the shape
 * {@code {"status": <code>, "error": "<reason phrase>", "response": {"message": <string | array>}}}.
 * The array holds strings (Baileys failures: {@code ["Error: Connection Closed"]}), nested arrays
 * (JSON-schema validation: {@code [["instance requires property \"text\""]]}) or objects (the
 * number check: {@code [{"jid": …, "exists": false, "number": …}]}).
 */
final class EvolutionApiErrors {

  /**
   * Baileys' own words when the WhatsApp socket is down, as Evolution passes them on (400 from a
   * failed send: {@code "Error: Connection Closed"}; 500 from the number check: {@code "Connection
   * Closed"}): Baileys {@code Boom} messages "Connection Closed", "Connection Terminated",
   * "Connection Terminated by Server", "Connection was lost", "Connection Failure" and ws's
   * "WebSocket was closed before the connection was established".
   */
  private static final List<String> DISCONNECTED = List.of(
      "connection closed", "connection terminated", "connection was lost", "connection lost",
      "connection failure", "websocket was closed", "not connected");

  private EvolutionApiErrors() {
  }

  /** {@code response.message} as one line (array items joined with "; "), else {@code error}, else null. */
  static String message(JsonObject body) {
    if (body == null) {
      return null;
    }
    Object message = body.getValue("response") instanceof JsonObject response ? response.getValue("message") : null;
    String text = message == null ? null : flatten(message);
    if (text == null || text.isBlank()) {
      text = body.getValue("error") instanceof String error ? error : null;
    }
    return text == null ? null : EvolutionApiClient.truncate(text);
  }

  /**
   * The number Evolution reported as not on WhatsApp ({@code exists: false} in a 400's message
   * array), or empty.
   */
  static Optional<String> notOnWhatsApp(JsonObject body) {
    Object message = body != null && body.getValue("response") instanceof JsonObject response
        ? response.getValue("message") : null;
    if (!(message instanceof JsonArray items)) {
      return Optional.empty();
    }
    for (Object item : items) {
      if (item instanceof JsonObject check && Boolean.FALSE.equals(check.getValue("exists"))) {
        Object number = check.getValue("number") != null ? check.getValue("number") : check.getValue("jid");
        return Optional.of(number == null ? "" : String.valueOf(number));
      }
    }
    return Optional.empty();
  }

  /** True when the message says the instance's WhatsApp connection is not open. */
  static boolean saysDisconnected(String message) {
    if (message == null) {
      return false;
    }
    String lower = message.toLowerCase(Locale.ROOT);
    return DISCONNECTED.stream().anyMatch(lower::contains);
  }

  /** True when the message is Baileys' query timeout ("Timed Out"). */
  static boolean saysTimedOut(String message) {
    return message != null && message.toLowerCase(Locale.ROOT).contains("timed out");
  }

  private static String flatten(Object value) {
    if (value instanceof JsonArray array) {
      StringBuilder joined = new StringBuilder();
      for (Object item : array) {
        String part = item == null ? null : flatten(item);
        if (part != null && !part.isEmpty()) {
          joined.append(joined.length() == 0 ? "" : "; ").append(part);
        }
      }
      return joined.toString();
    }
    if (value instanceof JsonObject object) {
      return object.encode();
    }
    return String.valueOf(value);
  }
}
