package dev.switchboard.channel.telegram;

import dev.switchboard.plugin.channel.ChannelContext;
import dev.switchboard.plugin.channel.ChannelSender;
import dev.switchboard.plugin.channel.SendOutcome;
import dev.switchboard.plugin.model.OutboundMessage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;

/**
 * Sends through the Telegram Bot API ({@code POST <apiBaseUrl>/bot<token>/<method>}, JSON bodies,
 * the host's HTTP client, a 30 s request timeout) and classifies each answer with
 * {@link SendClassifier}. The mapping of each message type is {@link SendPlanner}'s.
 *
 * <p>Ids reported as sent: {@code <chat id>:<message id>} of the (first) message Telegram created;
 * for calls answered with {@code true}, the reacted-to message's id (reactions) or the send token
 * (typing, callback answers).
 *
 * <p>When Telegram says a group became a supergroup ({@code migrate_to_chat_id}), the message is
 * sent again to the new chat once and, if that works, reported with {@code movedToChatId}. Parts of
 * a split text after the first are retried here, after the wait Telegram asks for (at most
 * {@value #CONTINUATION_ATTEMPTS} attempts, waits up to {@value #CONTINUATION_MAX_WAIT_SECONDS} s),
 * since the host cannot retry half a message without repeating the half already delivered.
 *
 * <p>The returned future fails only on programming errors; the token never appears in an outcome.
 */
final class TelegramSender implements ChannelSender {
  static final int CONTINUATION_ATTEMPTS = 3;
  static final int CONTINUATION_MAX_WAIT_SECONDS = 30;

  private final Vertx vertx;
  private final BotApiClient api;
  private final SendOutcome.PermanentFailure configProblem;

  TelegramSender(ChannelContext context) {
    this(context, BotApiClient.DEFAULT_TIMEOUT);
  }

  TelegramSender(ChannelContext context, Duration requestTimeout) {
    this.vertx = context.vertx();
    BotApiClient client = null;
    SendOutcome.PermanentFailure problem = null;
    try {
      client = BotApiClient.forAccount(context, requestTimeout);
    } catch (IllegalArgumentException e) {
      problem = new SendOutcome.PermanentFailure(SendRejection.INVALID_CONFIG, e.getMessage());
    }
    this.api = client;
    this.configProblem = problem;
  }

  @Override
  public Future<SendOutcome> send(OutboundMessage message) {
    if (configProblem != null) {
      return Future.succeededFuture(configProblem);
    }
    List<BotApiCall> calls;
    try {
      calls = SendPlanner.plan(message);
    } catch (SendRejection rejection) {
      return Future.succeededFuture(rejection.toOutcome());
    }
    return sendFrom(new Progress(calls, 0, null, null, 1)).map(this::redacted);
  }

  /** Where a multi-call send stands: the next call, the first part's id, the chat it moved to. */
  private record Progress(List<BotApiCall> calls, int index, String firstId, Long movedTo, int attempt) {
    BotApiCall call() {
      BotApiCall call = calls.get(index);
      return movedTo == null ? call : call.toChat(movedTo);
    }

    boolean last() {
      return index == calls.size() - 1;
    }

    Progress next(String sentId) {
      return new Progress(calls, index + 1, firstId == null ? sentId : firstId, movedTo, 1);
    }

    Progress inChat(long chatId) {
      return new Progress(calls, index, firstId, chatId, 1);
    }

    Progress again() {
      return new Progress(calls, index, firstId, movedTo, attempt + 1);
    }
  }

  private Future<SendOutcome> sendFrom(Progress progress) {
    BotApiCall call = progress.call();
    return api.call(call.method(), call.params()).compose(answer -> {
      Long migrateTo = answer.migrateToChatId();
      if (migrateTo != null && progress.movedTo() == null && call.hasChat()) {
        return sendFrom(progress.inChat(migrateTo));
      }
      SendOutcome outcome = SendClassifier.classify(call, answer);
      if (outcome instanceof SendOutcome.Sent sent) {
        if (progress.last()) {
          String id = progress.firstId() == null ? sent.platformMessageId() : progress.firstId();
          return Future.succeededFuture(new SendOutcome.Sent(id,
              progress.movedTo() == null ? null : String.valueOf(progress.movedTo())));
        }
        return sendFrom(progress.next(sent.platformMessageId()));
      }
      if (progress.index() == 0) {
        return Future.succeededFuture(outcome);
      }
      return continuationFailed(progress, outcome);
    });
  }

  /** A later part of a split text failed: wait and retry it here, or report how far it got. */
  private Future<SendOutcome> continuationFailed(Progress progress, SendOutcome outcome) {
    if (outcome instanceof SendOutcome.RetryAfter retry && progress.attempt() < CONTINUATION_ATTEMPTS
        && retry.after().toSeconds() <= CONTINUATION_MAX_WAIT_SECONDS) {
      return vertx.timer(retry.after().toMillis()).compose(v -> sendFrom(progress.again()));
    }
    String where = "part " + (progress.index() + 1) + " of " + progress.calls().size() + " failed after "
        + progress.index() + " sent (first " + progress.firstId() + "): ";
    return Future.succeededFuture(withDetail(outcome, where + detail(outcome)));
  }

  private SendOutcome redacted(SendOutcome outcome) {
    return outcome instanceof SendOutcome.Sent ? outcome : withDetail(outcome, api.redact(detail(outcome)));
  }

  private static String detail(SendOutcome outcome) {
    if (outcome instanceof SendOutcome.RetryAfter r) {
      return r.detail();
    }
    return outcome instanceof SendOutcome.PermanentFailure p ? p.detail() : null;
  }

  private static SendOutcome withDetail(SendOutcome outcome, String detail) {
    if (outcome instanceof SendOutcome.RetryAfter r) {
      return new SendOutcome.RetryAfter(r.after(), r.code(), detail, r.scope());
    }
    if (outcome instanceof SendOutcome.PermanentFailure p) {
      return new SendOutcome.PermanentFailure(p.code(), detail, p.recipientUnreachable(), p.accountUnusable());
    }
    return outcome;
  }
}
