package dev.switchboard.channel.telegram;

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
 * The Telegram Bot API channel: webhook updates authenticated by the secret token Telegram echoes
 * in {@code X-Telegram-Bot-Api-Secret-Token}, sending through the Bot API, and webhook registration
 * ({@code setWebhook} / {@code getWebhookInfo}).
 */
public final class TelegramChannelPlugin implements ChannelPlugin {

  public static final String BOT_TOKEN = "botToken";
  public static final String SECRET_TOKEN = "secretToken";
  public static final String API_BASE_URL = "apiBaseUrl";
  public static final String DEFAULT_API_BASE_URL = "https://api.telegram.org";

  private static final PluginDescriptor DESCRIPTOR = new PluginDescriptor(
      ChannelId.TELEGRAM.value(), "Telegram Bot API", "0.1.0", SpiVersion.CURRENT, List.of(
          ConfigField.secret(BOT_TOKEN, "Bot token from @BotFather (<bot id>:<secret>)"),
          ConfigField.secret(SECRET_TOKEN,
              "Secret given to setWebhook (1-256 of A-Z a-z 0-9 _ -); Telegram echoes it in "
                  + "X-Telegram-Bot-Api-Secret-Token"),
          ConfigField.optional(API_BASE_URL, DEFAULT_API_BASE_URL,
              "Bot API base URL (a local Bot API server, a proxy, tests)")));

  private static final WebhookRegistrar REGISTRAR = new TelegramWebhookRegistrar();

  @Override
  public PluginDescriptor descriptor() {
    return DESCRIPTOR;
  }

  /** The bot id: the numeric prefix of the bot token (never the secret part). */
  @Override
  public String accountRef(AccountConfig account) {
    return BotToken.botId(account.get(BOT_TOKEN));
  }

  @Override
  public DecodeResult decodeWebhook(WebhookRequest request, AccountConfig account) {
    return TelegramWebhookDecoder.decode(request, account.get(SECRET_TOKEN), accountRef(account));
  }

  @Override
  public ChannelSender newSender(ChannelContext context) {
    return new TelegramSender(context);
  }

  @Override
  public WebhookRegistrar webhookRegistrar() {
    return REGISTRAR;
  }
}
