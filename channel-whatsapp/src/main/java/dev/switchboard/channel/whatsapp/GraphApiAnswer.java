package dev.switchboard.channel.whatsapp;

import static dev.switchboard.plugin.json.JsonFields.nonBlank;
import static dev.switchboard.plugin.json.JsonFields.object;

import dev.switchboard.plugin.http.JsonPost;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * One Graph API call's answer as received ({@link JsonPost.Answer}: status, JSON body,
 * {@code Retry-After}, or why no answer came), read as the Graph API writes it. Carries no request
 * data, so never the access token (the client scrubs it from the body too, should Meta ever echo it).
 *
 * <p>Graph errors look like {@code {"error": {"message": "(#131056) <title>", "type":
 * "OAuthException", "code": 131056, "error_data": {"messaging_product": "whatsapp", "details":
 * "…"}, "fbtrace_id": "…"}}}; {@link #errorCode()} and {@link #errorDetail()} read them.
 */
record GraphApiAnswer(JsonPost.Answer http) {

  private static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);
  private static final int MAX_DETAIL = 500;

  boolean reached() {
    return http.reached();
  }

  boolean timedOut() {
    return http.noAnswer() == JsonPost.NoAnswer.TIMEOUT;
  }

  int status() {
    return http.status();
  }

  /** The body as a JSON object, or null when it was not one (or was over the size limit). */
  JsonObject body() {
    return http.json();
  }

  boolean success() {
    return status() >= 200 && status() < 300;
  }

  /** {@code error.code} of a Graph error envelope, or null when the body is not one. */
  Integer errorCode() {
    JsonObject error = object(body(), "error");
    return error != null && error.getValue("code") instanceof Number code ? code.intValue() : null;
  }

  /**
   * Meta's {@code error.message} ("(#code) title"), its {@code error_data.details} (else
   * {@code error_user_msg}) and the {@code fbtrace_id} Meta support asks for, in one line of at most
   * {@value #MAX_DETAIL} characters.
   */
  String errorDetail() {
    JsonObject error = object(body(), "error");
    String message = nonBlank(error, "message");
    String details = nonBlank(object(error, "error_data"), "details");
    if (details == null) {
      details = nonBlank(error, "error_user_msg");
    }
    StringBuilder text = new StringBuilder(message == null ? "HTTP " + status() : message);
    if (details != null && !details.equals(message)) {
      text.append(": ").append(details);
    }
    String trace = nonBlank(error, "fbtrace_id");
    if (trace != null) {
      text.append(" [fbtrace_id ").append(trace).append(']');
    }
    return oneLine(text.toString());
  }

  /** The {@code Retry-After} header's delay (seconds form, 1 s to 1 h), or null without a usable one. */
  Duration retryAfter() {
    Long seconds = http.retryAfterSeconds();
    if (seconds == null) {
      return null;
    }
    Duration after = Duration.ofSeconds(Math.max(1, seconds));
    return after.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : after;
  }

  private static String oneLine(String text) {
    String flat = text.replaceAll("\\s+", " ").strip();
    return flat.length() <= MAX_DETAIL ? flat : flat.substring(0, MAX_DETAIL - 1) + "…";
  }
}
