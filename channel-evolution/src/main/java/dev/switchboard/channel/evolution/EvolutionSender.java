package dev.switchboard.channel.evolution;

import dev.switchboard.plugin.channel.ChannelContext;
import dev.switchboard.plugin.channel.ChannelSender;
import dev.switchboard.plugin.channel.SendOutcome;
import dev.switchboard.plugin.model.OutboundMessage;
import io.vertx.core.Future;

/** PLACEHOLDER: replaced by the real sender. */
final class EvolutionSender implements ChannelSender {
  EvolutionSender(ChannelContext context) {
  }

  @Override
  public Future<SendOutcome> send(OutboundMessage message) {
    throw new UnsupportedOperationException("placeholder");
  }
}
