package dev.switchboard.channel.evolution;

import io.vertx.core.json.JsonObject;

/**
 * What came back from one Evolution API call: either a reply (any status, JSON or not) or no reply
 * at all (connection refused, reset, timed out). Holds no request data, so never a secret.
 */
sealed interface EvolutionApiAnswer {

  /**
   * An HTTP reply.
   *
   * @param status     the HTTP status
   * @param json       true when the body parsed as JSON (a JSON {@code null} included)
   * @param value      the parsed body: a {@link JsonObject}, {@code JsonArray}, scalar or null
   * @param retryAfter the {@code Retry-After} header, or null
   */
  record Reply(int status, boolean json, Object value, String retryAfter) implements EvolutionApiAnswer {

    boolean success() {
      return status >= 200 && status < 300;
    }

    /** The body when it is a JSON object, else null. */
    JsonObject object() {
      return value instanceof JsonObject o ? o : null;
    }
  }

  /**
   * No HTTP reply.
   *
   * @param timedOut true when the call ran out of time (Evolution may still have sent the message)
   * @param detail   what went wrong, for operators (exception type and message; no headers)
   */
  record NoReply(boolean timedOut, String detail) implements EvolutionApiAnswer {
  }
}
