package dev.switchboard.channel.whatsapp;

import static dev.switchboard.plugin.json.JsonFields.nonBlank;
import static dev.switchboard.plugin.json.JsonFields.object;

import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * One Graph API call's answer as received: the HTTP status, the JSON body and the
 * {@code Retry-After} header, or why no answer came. Carries no request data, so never the access
 * token (the client scrubs it from the body too, should Meta ever echo it).
 *
 * <p>Graph errors look like {@code {"error": {"message": "(#131056) <title>", "type":
 * "OAuthException", "code": 131056, "error_data": {"messaging_product": "whatsapp", "details":
 * "…"}, "fbtrace_id": "…"}}}; {@link #errorCode()} and {@link #errorDetail()} read them.
 *
 * @param status           HTTP status, 0 when no answer came
 * @param body             the parsed JSON object, or null when the body was not one (or was over
 *                         the client's size limit)
 * @param retryAfterHeader the {@code Retry-After} header, or null
 * @param unreachable      null when an answer came, else why none did
 */
record GraphApiAnswer(int status, JsonObject body, String retryAfterHeader, Unreachable unreachable) {

  private static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);
  private static final int MAX_DETAIL = 500;

  /** Why a call got no answer. */
  enum Unreachable {
    /** No answer within the request timeout (Meta may still have sent the message). */
    TIMEOUT,
    /** The connection failed: refused, reset, TLS, DNS. */
    NETWORK
  }

  static GraphApiAnswer received(int status, JsonObject body, String retryAfterHeader) {
    return new GraphApiAnswer(status, body, retryAfterHeader, null);
  }

  static GraphApiAnswer unreachable(Unreachable why) {
    return new GraphApiAnswer(0, null, null, why);
  }

  boolean reached() {
    return unreachable == null;
  }

  boolean success() {
    return status >= 200 && status < 300;
  }

  /** {@code error.code} of a Graph error envelope, or null when the body is not one. */
  Integer errorCode() {
    JsonObject error = object(body, "error");
    return error != null && error.getValue("code") instanceof Number code ? code.intValue() : null;
  }

  /**
   * Meta's {@code error.message} ("(#code) title"), its {@code error_data.details} (else
   * {@code error_user_msg}) and the {@code fbtrace_id} Meta support asks for, in one line of at most
   * {@value #MAX_DETAIL} characters.
   */
  String errorDetail() {
    JsonObject error = object(body, "error");
    String message = nonBlank(error, "message");
    String details = nonBlank(object(error, "error_data"), "details");
    if (details == null) {
      details = nonBlank(error, "error_user_msg");
    }
    StringBuilder text = new StringBuilder(message == null ? "HTTP " + status : message);
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
    if (retryAfterHeader == null) {
      return null;
    }
    try {
      long seconds = Long.parseLong(retryAfterHeader.strip());
      if (seconds < 0) {
        return null;
      }
      Duration after = Duration.ofSeconds(Math.max(1, seconds));
      return after.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : after;
    } catch (NumberFormatException e) {
      return null; // an HTTP date: Meta sends seconds when it sends the header at all
    }
  }

  private static String oneLine(String text) {
    String flat = text.replaceAll("\\s+", " ").strip();
    return flat.length() <= MAX_DETAIL ? flat : flat.substring(0, MAX_DETAIL - 1) + "…";
  }
}
