package dev.switchboard.channel.telegram;

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
import java.util.regex.Pattern;

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

  /** Longest text accepted by the send API: split by the sender into up to 8 messages of 4096. */
  public static final int MAX_TEXT = 8 * 4096;
  private static final Pattern CHAT_ID = Pattern.compile("-?[1-9][0-9]{0,18}");
  private static final Pattern CHANNEL_USERNAME = Pattern.compile("@[A-Za-z][A-Za-z0-9_]{3,31}");
  private static final SendCapabilities CAPABILITIES = new SendCapabilities(
      EnumSet.of(MessageType.TEXT, MessageType.IMAGE, MessageType.VIDEO, MessageType.AUDIO, MessageType.VOICE,
          MessageType.DOCUMENT, MessageType.STICKER, MessageType.ANIMATION, MessageType.VIDEO_NOTE,
          MessageType.INTERACTIVE, MessageType.REACTION, MessageType.LOCATION, MessageType.CONTACTS,
          MessageType.EDIT, MessageType.SYSTEM),
      MAX_TEXT, 1024, Pacing.perSecond(30, 30), Pacing.perSecond(1, 1), Pacing.perMinute(20, 3));

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

  /**
   * Texts of any length (split into 4096-character messages), captions up to 1024, every media kind
   * by file_id or URL, locations, contact cards, reactions, keyboards, edits. Pace (Telegram's FAQ):
   * about 30 messages/s per bot, one per second to one chat, 20 per minute to one group.
   */
  @Override
  public SendCapabilities sendCapabilities() {
    return CAPABILITIES;
  }

  /** A chat id (an integer, negative for groups and channels) or {@code @channelusername}. */
  @Override
  public String chatIdFor(String to) {
    String t = to == null ? "" : to.strip();
    if (CHAT_ID.matcher(t).matches() || CHANNEL_USERNAME.matcher(t).matches()) {
      return t;
    }
    throw new IllegalArgumentException("must be a Telegram chat id (an integer, negative for groups) or @channelusername");
  }

  /** Groups, supergroups and channels have negative ids (or are addressed by @username). */
  @Override
  public boolean isGroupChat(String chatId) {
    return chatId.startsWith("-") || chatId.startsWith("@");
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
