package dev.switchboard.channel.evolution;

import dev.switchboard.plugin.channel.SendOutcome;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Optional;

/**
 * Classifies Evolution's answer to a {@code /message/*} call. Pure.
 *
 * <ul>
 *   <li>2xx (Evolution answers 201) with {@code key.id} → {@code Sent(key.id)}. A 2xx JSON body
 *       without {@code key.id} → {@code PermanentFailure("bad_response")}: Evolution accepted the
 *       call, so a retry could deliver the message twice.</li>
 *   <li>no reply (refused, reset, timed out), a non-JSON body (a proxy's page), 408, 5xx →
 *       {@code RetryAfter} a few seconds for this message; 429 → {@code RetryAfter} its
 *       {@code Retry-After} for the whole account (the instance's server is throttling).</li>
 *   <li>400 or 5xx whose message says the WhatsApp connection is down ("Connection Closed"…) →
 *       {@code RetryAfter(30 s, "not_connected")} for the whole account (nothing the instance sends
 *       can go out); 400 "Timed Out" → {@code RetryAfter} for this message.</li>
 *   <li>400 {@code exists: false} → {@code PermanentFailure("not_on_whatsapp", number)} with
 *       {@code recipientUnreachable}; any other 400 → {@code PermanentFailure("bad_request")}.</li>
 *   <li>401 / 403 / 404 → {@code PermanentFailure} ({@code unauthorized}, {@code forbidden},
 *       {@code instance_not_found} or {@code not_found}) with Evolution's message.</li>
 * </ul>
 */
final class SendClassifier {

  static final Duration SHORT_RETRY = Duration.ofSeconds(5);
  static final Duration NOT_CONNECTED_RETRY = Duration.ofSeconds(30);
  private static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

  private SendClassifier() {
  }

  static SendOutcome classify(EvolutionApiAnswer answer) {
    if (answer instanceof EvolutionApiAnswer.NoReply none) {
      return new SendOutcome.RetryAfter(SHORT_RETRY, none.timedOut() ? "timeout" : "unreachable", none.detail());
    }
    EvolutionApiAnswer.Reply reply = (EvolutionApiAnswer.Reply) answer;
    int status = reply.status();
    JsonObject body = reply.object();
    if (body == null) {
      return reply.success() && reply.json()
          ? new SendOutcome.PermanentFailure("bad_response", "Evolution answered " + status + " without a message")
          : new SendOutcome.RetryAfter(SHORT_RETRY, "bad_response", "HTTP " + status + " without a JSON body");
    }
    if (reply.success()) {
      String id = body.getValue("key") instanceof JsonObject key && key.getValue("id") instanceof String s ? s : null;
      return id == null || id.isBlank()
          ? new SendOutcome.PermanentFailure("bad_response", "Evolution answered " + status + " without key.id")
          : new SendOutcome.Sent(id);
    }
    String message = EvolutionApiErrors.message(body);
    String detail = message == null ? "HTTP " + status : message;
    if ((status == 400 || status >= 500) && EvolutionApiErrors.saysDisconnected(message)) {
      return new SendOutcome.RetryAfter(NOT_CONNECTED_RETRY, "not_connected", detail, SendOutcome.Scope.ACCOUNT);
    }
    switch (status) {
      case 400:
        Optional<String> number = EvolutionApiErrors.notOnWhatsApp(body);
        if (number.isPresent()) {
          return new SendOutcome.PermanentFailure("not_on_whatsapp", number.get(), true);
        }
        if (EvolutionApiErrors.saysTimedOut(message)) {
          return new SendOutcome.RetryAfter(SHORT_RETRY, "platform_timeout", detail);
        }
        return new SendOutcome.PermanentFailure("bad_request", detail);
      case 401:
        return new SendOutcome.PermanentFailure("unauthorized", detail);
      case 403:
        return new SendOutcome.PermanentFailure("forbidden", detail);
      case 404:
        boolean noInstance = message != null && message.contains("instance does not exist");
        return new SendOutcome.PermanentFailure(noInstance ? "instance_not_found" : "not_found", detail);
      case 408:
        return new SendOutcome.RetryAfter(SHORT_RETRY, "platform_timeout", detail);
      case 429:
        return new SendOutcome.RetryAfter(retryAfter(reply.retryAfter()), "rate_limited", detail,
            SendOutcome.Scope.ACCOUNT);
      default:
        return status >= 500
            ? new SendOutcome.RetryAfter(SHORT_RETRY, "server_error", detail)
            : new SendOutcome.PermanentFailure("http_" + status, detail);
    }
  }

  private static Duration retryAfter(String header) {
    try {
      long seconds = Long.parseLong(header == null ? "" : header.strip());
      return seconds <= 0 ? SHORT_RETRY : Duration.ofSeconds(seconds).compareTo(MAX_RETRY_AFTER) > 0
          ? MAX_RETRY_AFTER : Duration.ofSeconds(seconds);
    } catch (NumberFormatException e) {
      return SHORT_RETRY;
    }
  }
}
