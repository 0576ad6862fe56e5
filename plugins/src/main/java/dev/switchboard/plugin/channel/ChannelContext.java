package dev.switchboard.plugin.channel;

import dev.switchboard.plugin.model.ChannelId;
import dev.switchboard.plugin.model.TenantId;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;

/**
 * What the host hands a channel plugin to build a sender for one tenant's account. The host owns
 * the Vert.x instance and the HTTP client's lifecycle; the plugin must not close them.
 */
public record ChannelContext(Vertx vertx, HttpClient httpClient, TenantId tenant, ChannelId channel,
                             AccountConfig account) {
}
