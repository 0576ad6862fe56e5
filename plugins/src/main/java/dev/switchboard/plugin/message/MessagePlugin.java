package dev.switchboard.plugin.message;

import dev.switchboard.plugin.spi.PluginDescriptor;
import io.vertx.core.Future;
import java.util.Map;

/**
 * One link of a tenant's message-plugin chain (forward to bot, auto-reply, LLM…). Found with
 * {@link java.util.ServiceLoader}; the order comes from the tenant's config. Must not block; must be
 * safe to call for many messages at once (the host runs conversations concurrently).
 */
public interface MessagePlugin {

  /** Who this plugin is and the settings a chain entry of it takes ({@code type} is the id). */
  PluginDescriptor descriptor();

  /**
   * Checks one chain entry's settings beyond the declared fields (a URL's form, a regex that
   * compiles…), at start-up and on every reload, before the plugin ever sees a message.
   *
   * @throws IllegalArgumentException with {@code "<field>: <what is wrong>"}
   */
  default void validate(Map<String, Object> settings) {
  }

  Future<ChainDecision> handle(InboundContext context);
}
