package dev.switchboard.plugin.message;

import dev.switchboard.plugin.spi.PluginDescriptor;
import io.vertx.core.Future;

/**
 * One link of a tenant's message-plugin chain (forward to bot, auto-reply, LLM…). Found with
 * {@link java.util.ServiceLoader}; the order comes from the tenant's config. Must not block.
 */
public interface MessagePlugin {

  PluginDescriptor descriptor();

  Future<ChainDecision> handle(InboundContext context);
}
