package dev.switchboard.channel.telegram;

import dev.switchboard.plugin.channel.SendOutcome;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Locale;

/**
 * Classifies one Bot API answer (the table is in this module's README). Branches on the HTTP status,
 * {@code error_code} and {@code parameters}; description text is looked at only for the two
 * harmless no-ops the API has no code for. A chat migration ({@code migrate_to_chat_id}) is the
 * sender's business and must be handled before calling this.
 */
final class SendClassifier {
  /** Wait suggested when the API gives no {@code retry_after}: 5xx, network trouble, a strange body. */
  static final Duration DEFAULT_RETRY = Duration.ofSeconds(5);

  static final String TIMEOUT = "timeout";
  static final String UNREACHABLE = "unreachable";
  static final String INVALID_RESPONSE = "invalid_response";

  private SendClassifier() {
  }

  static SendOutcome classify(BotApiCall call, BotApiAnswer answer) {
    if (!answer.reached()) {
      return answer.timedOut()
          ? new SendOutcome.RetryAfter(DEFAULT_RETRY, TIMEOUT, "no answer from the Bot API in time (" + call.method() + ")")
          : new SendOutcome.RetryAfter(DEFAULT_RETRY, UNREACHABLE, "could not reach the Bot API (" + call.method() + ")");
    }
    if (!answer.isEnvelope()) {
      return new SendOutcome.RetryAfter(retryAfter(answer), INVALID_RESPONSE,
          "the Bot API answered HTTP " + answer.status() + " without its JSON envelope (" + call.method() + ")");
    }
    if (answer.ok()) {
      return new SendOutcome.Sent(sentId(call, answer.result()));
    }
    int code = answer.errorCode();
    String description = answer.description();
    if (code == 429) {
      // Flood control is per chat for a call addressed to one; otherwise it is the bot's own limit.
      return new SendOutcome.RetryAfter(retryAfter(answer), "429", description,
          call.hasChat() ? SendOutcome.Scope.RECIPIENT : SendOutcome.Scope.ACCOUNT);
    }
    if (isNoOp(call.method(), description)) {
      return new SendOutcome.Sent(call.idIfNoMessage());
    }
    return switch (code) {
      case 403 -> new SendOutcome.PermanentFailure("403", description, true);
      case 401 -> new SendOutcome.PermanentFailure("401", description + " (the Bot API refused the bot token: check botToken)");
      case 404 -> new SendOutcome.PermanentFailure("404", description + " (check botToken and apiBaseUrl)");
      default -> code >= 400 && code < 500
          ? new SendOutcome.PermanentFailure(String.valueOf(code), description)
          : new SendOutcome.RetryAfter(retryAfter(answer), String.valueOf(code), description);
    };
  }

  /** {@code <result.chat.id>:<result.message_id>} for a Message result, else the call's own id. */
  private static String sentId(BotApiCall call, Object result) {
    if (result instanceof JsonObject message && message.getValue("message_id") instanceof Number messageId
        && message.getValue("chat") instanceof JsonObject chat && chat.getValue("id") instanceof Number chatId) {
      return chatId.longValue() + ":" + messageId.longValue();
    }
    return call.idIfNoMessage();
  }

  /**
   * Errors that mean "nothing to do": an edit that changes nothing, a callback answered after the
   * query expired (the user's button already stopped spinning; retrying cannot help).
   */
  private static boolean isNoOp(String method, String description) {
    String text = description.toLowerCase(Locale.ROOT);
    return method.startsWith("editMessage") && text.contains("message is not modified")
        || method.equals("answerCallbackQuery") && text.contains("query is too old");
  }

  private static Duration retryAfter(BotApiAnswer answer) {
    Long seconds = answer.retryAfterSeconds();
    return seconds == null ? DEFAULT_RETRY : Duration.ofSeconds(Math.max(1, seconds));
  }
}
