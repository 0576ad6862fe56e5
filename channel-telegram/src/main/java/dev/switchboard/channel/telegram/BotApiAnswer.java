package dev.switchboard.channel.telegram;

import dev.switchboard.plugin.http.JsonPost;
import io.vertx.core.json.JsonObject;

/**
 * One Bot API call's answer as received ({@link JsonPost.Answer}: the HTTP status and the JSON
 * envelope — {@code {"ok":…,"result":…}} or {@code {"ok":false,"error_code":…,"description":…,
 * "parameters":…}} — or why no answer came), read as the Bot API writes it. Carries no request data,
 * so it never holds the bot token.
 */
record BotApiAnswer(JsonPost.Answer http) {

  /** HTTP status, 0 when no answer came. */
  int status() {
    return http.status();
  }

  /** The parsed JSON object, or null when the body was not a JSON object. */
  JsonObject envelope() {
    return http.json();
  }

  boolean reached() {
    return http.reached();
  }

  /** True when no answer came within the request timeout. */
  boolean timedOut() {
    return http.noAnswer() == JsonPost.NoAnswer.TIMEOUT;
  }

  /** True for the success envelope {@code {"ok":true,…}}. */
  boolean ok() {
    return envelope() != null && Boolean.TRUE.equals(envelope().getValue("ok"));
  }

  /** True when the body is the Bot API's envelope at all (has a boolean {@code ok}). */
  boolean isEnvelope() {
    return envelope() != null && envelope().getValue("ok") instanceof Boolean;
  }

  /** The {@code result} value (a JSON object, {@code true}, an array…), or null. */
  Object result() {
    return envelope() == null ? null : envelope().getValue("result");
  }

  /** {@code error_code} of the envelope, falling back to the HTTP status. */
  int errorCode() {
    return envelope() != null && envelope().getValue("error_code") instanceof Number n ? n.intValue() : status();
  }

  /** {@code description} of the envelope, or {@code "HTTP <status>"} without one. */
  String description() {
    Object d = envelope() == null ? null : envelope().getValue("description");
    return d instanceof String s && !s.isBlank() ? s : "HTTP " + status();
  }

  /** Seconds to wait: {@code parameters.retry_after}, else a delta-seconds Retry-After header, else null. */
  Long retryAfterSeconds() {
    Object v = parameter("retry_after");
    if (v instanceof Number n && n.longValue() >= 0) {
      return n.longValue();
    }
    return http.retryAfterSeconds(); // an HTTP date reads as null: the Bot API sends seconds
  }

  /** {@code parameters.migrate_to_chat_id} of an error: the supergroup a group chat became. */
  Long migrateToChatId() {
    return ok() ? null : parameter("migrate_to_chat_id") instanceof Number n ? n.longValue() : null;
  }

  private Object parameter(String name) {
    Object p = envelope() == null ? null : envelope().getValue("parameters");
    return p instanceof JsonObject params ? params.getValue(name) : null;
  }
}
