package dev.switchboard.channel.evolution;

import dev.switchboard.plugin.channel.ChannelContext;
import dev.switchboard.plugin.channel.ChannelSender;
import dev.switchboard.plugin.channel.SendOutcome;
import dev.switchboard.plugin.model.OutboundMessage;
import io.vertx.core.Future;
import java.time.Duration;

/**
 * Sends through one tenant's Evolution instance: {@code POST <serverUrl>/message/<action>/<instance>}
 * with the {@code apikey} header, mapped by {@link SendMapper} and classified by
 * {@link SendClassifier}. The request timeout is 30 s plus the {@code delay} asked for (Evolution
 * shows "typing…" for that long before it sends). The future fails only on programming errors.
 */
final class EvolutionSender implements ChannelSender {

  private final EvolutionApiClient client;
  private final Duration timeout;

  EvolutionSender(ChannelContext context) {
    this(context, EvolutionApiClient.DEFAULT_TIMEOUT);
  }

  EvolutionSender(ChannelContext context, Duration timeout) {
    this.client = new EvolutionApiClient(context.httpClient(), context.account());
    this.timeout = timeout;
  }

  @Override
  public Future<SendOutcome> send(OutboundMessage message) {
    try {
      if (client.configProblem() != null) {
        return Future.succeededFuture(new SendOutcome.PermanentFailure("bad_config", client.configProblem()));
      }
      SendPlan plan = SendMapper.plan(message);
      if (plan instanceof SendPlan.Refuse refuse) {
        return Future.succeededFuture(refuse.outcome());
      }
      SendPlan.Call call = (SendPlan.Call) plan;
      return client.post("message", call.action(), call.body(), timeout.plus(call.delay()))
          .map(SendClassifier::classify);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  @Override
  public String toString() {
    return "EvolutionSender[" + client + "]";
  }
}
