package dev.switchboard.channel.evolution;

import dev.switchboard.plugin.channel.AccountConfig;
import dev.switchboard.plugin.channel.ChannelContext;
import dev.switchboard.plugin.channel.ChannelPlugin;
import dev.switchboard.plugin.channel.ChannelSender;
import dev.switchboard.plugin.channel.DecodeResult;
import dev.switchboard.plugin.channel.Pacing;
import dev.switchboard.plugin.channel.SendCapabilities;
import dev.switchboard.plugin.channel.WebhookRegistrar;
import dev.switchboard.plugin.channel.WebhookRequest;
import dev.switchboard.plugin.model.ChannelId;
import dev.switchboard.plugin.model.MessageType;
import dev.switchboard.plugin.spi.ConfigField;
import dev.switchboard.plugin.spi.PluginDescriptor;
import dev.switchboard.plugin.spi.SpiVersion;
import java.util.EnumSet;
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

  private static final SendCapabilities CAPABILITIES = new SendCapabilities(
      EnumSet.of(MessageType.TEXT, MessageType.IMAGE, MessageType.VIDEO, MessageType.AUDIO, MessageType.VOICE,
          MessageType.DOCUMENT, MessageType.REACTION, MessageType.LOCATION, MessageType.CONTACTS),
      65_536, 1024, Pacing.perSecond(20, 20), Pacing.perSecond(1, 3), Pacing.perMinute(20, 3));

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

  /**
   * Text, media by URL, voice notes, reactions, locations and contact cards through Baileys.
   * Evolution sets no limit of its own; WhatsApp bans numbers that send too fast, so the defaults
   * are conservative: 20 messages/s per instance, about one per second to one chat.
   */
  @Override
  public SendCapabilities sendCapabilities() {
    return CAPABILITIES;
  }

  /** A phone number ({@code +} optional) becomes its JID; a JID is kept (normalised). */
  @Override
  public String chatIdFor(String to) {
    Jid jid = Jid.parse(to);
    if (jid == null || jid.isBroadcastLike()) {
      throw new IllegalArgumentException("must be a phone number (digits, + optional) or a WhatsApp JID such as 5511912345678@s.whatsapp.net");
    }
    return jid.toString();
  }

  @Override
  public String phoneOf(String chatId) {
    Jid jid = Jid.parse(chatId);
    return jid != null && jid.isPhone() ? "+" + jid.user() : null;
  }

  @Override
  public boolean isGroupChat(String chatId) {
    Jid jid = Jid.parse(chatId);
    return jid != null && jid.isGroup();
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
