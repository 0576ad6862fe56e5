package dev.switchboard.channel.whatsapp;

import dev.switchboard.plugin.channel.ChannelContext;
import dev.switchboard.plugin.channel.ChannelSender;
import dev.switchboard.plugin.channel.SendOutcome;
import dev.switchboard.plugin.model.OutboundMessage;
import io.vertx.core.Future;
import java.time.Duration;

/**
 * Sends through the WhatsApp Cloud API: one {@code POST <apiBaseUrl>/<phone-number-id>/messages}
 * per message ({@link GraphApiClient}: Bearer token, 30 s timeout, bounded answer), mapped by
 * {@link SendMapper} and classified by {@link SendClassifier}. Reported ids are the {@code wamid}
 * Meta returns ({@code messages[0].id}); read receipts and typing indicators, which create no
 * message, report the send token.
 *
 * <p>An account that cannot send (no access token, a malformed phone number id or base URL) answers
 * every send with {@code PermanentFailure("invalid_config", accountUnusable = true)} without a
 * call. The returned future fails only on programming errors; the token never appears in an
 * outcome or in {@link #toString()}.
 */
final class WhatsAppSender implements ChannelSender {
  static final String INVALID_CONFIG = "invalid_config";

  private final GraphApiClient api;
  private final SendOutcome.PermanentFailure configProblem;

  WhatsAppSender(ChannelContext context) {
    this(context, GraphApiClient.DEFAULT_TIMEOUT);
  }

  WhatsAppSender(ChannelContext context, Duration requestTimeout) {
    GraphApiClient client = null;
    SendOutcome.PermanentFailure problem = null;
    try {
      client = GraphApiClient.forAccount(context, requestTimeout);
    } catch (IllegalArgumentException e) {
      problem = new SendOutcome.PermanentFailure(INVALID_CONFIG, e.getMessage(), false, true);
    }
    this.api = client;
    this.configProblem = problem;
  }

  @Override
  public Future<SendOutcome> send(OutboundMessage message) {
    if (configProblem != null) {
      return Future.succeededFuture(configProblem);
    }
    SendPlan plan = SendMapper.plan(message);
    if (plan instanceof SendPlan.Refuse refuse) {
      return Future.succeededFuture(refuse.outcome());
    }
    SendPlan.Call call = (SendPlan.Call) plan;
    return api.postMessage(call.body()).map(answer -> SendClassifier.classify(call, answer));
  }

  @Override
  public String toString() {
    return "WhatsAppSender[" + (api != null ? api : configProblem.detail()) + "]";
  }
}
