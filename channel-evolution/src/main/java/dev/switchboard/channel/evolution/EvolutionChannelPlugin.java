package dev.switchboard.channel.evolution;

import dev.switchboard.plugin.channel.AccountConfig;
import dev.switchboard.plugin.channel.ChannelContext;
import dev.switchboard.plugin.channel.ChannelPlugin;
import dev.switchboard.plugin.channel.ChannelSender;
import dev.switchboard.plugin.channel.DecodeResult;
import dev.switchboard.plugin.channel.WebhookRegistrar;
import dev.switchboard.plugin.channel.WebhookRequest;
import dev.switchboard.plugin.model.ChannelId;
import dev.switchboard.plugin.spi.ConfigField;
import dev.switchboard.plugin.spi.PluginDescriptor;
import dev.switchboard.plugin.spi.SpiVersion;
import java.util.List;

/**
 * The Evolution API channel (WhatsApp through Baileys): one Evolution instance per tenant account.
 * Webhook calls are authenticated by the instance's API key (envelope {@code apikey} or the
 * {@code apikey} header) and the instance name; sending goes through {@code /message/*}.
 */
public final class EvolutionChannelPlugin implements ChannelPlugin {

  public static final String SERVER_URL = "serverUrl";
  public static final String INSTANCE = "instance";
  public static final String API_KEY = "apiKey";

  private static final PluginDescriptor DESCRIPTOR = new PluginDescriptor(
      ChannelId.EVOLUTION.value(), "Evolution API", "0.1.0", SpiVersion.CURRENT, List.of(
          ConfigField.required(SERVER_URL, "Base URL of the Evolution API server"),
          ConfigField.required(INSTANCE, "Instance name (one WhatsApp number)"),
          ConfigField.secret(API_KEY,
              "The instance's API key: sent as apikey on every call, and expected on its webhooks")));

  @Override
  public PluginDescriptor descriptor() {
    return DESCRIPTOR;
  }

  /** The instance name. */
  @Override
  public String accountRef(AccountConfig account) {
    return account.get(INSTANCE);
  }

  @Override
  public DecodeResult decodeWebhook(WebhookRequest request, AccountConfig account) {
    return EvolutionWebhookDecoder.decode(request, account.get(INSTANCE), account.get(API_KEY));
  }

  @Override
  public ChannelSender newSender(ChannelContext context) {
    return new EvolutionSender(context);
  }

  /** {@code POST /webhook/set/{instance}} with our URL and the five events we handle; {@code GET /webhook/find}. */
  @Override
  public WebhookRegistrar webhookRegistrar() {
    return new EvolutionWebhookRegistrar();
  }
}
