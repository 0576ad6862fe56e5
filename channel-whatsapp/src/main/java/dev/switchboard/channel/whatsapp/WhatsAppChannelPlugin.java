package dev.switchboard.channel.whatsapp;

import dev.switchboard.plugin.channel.AccountConfig;
import dev.switchboard.plugin.channel.ChannelContext;
import dev.switchboard.plugin.channel.ChannelPlugin;
import dev.switchboard.plugin.channel.ChannelSender;
import dev.switchboard.plugin.channel.DecodeResult;
import dev.switchboard.plugin.channel.Pacing;
import dev.switchboard.plugin.channel.SendCapabilities;
import dev.switchboard.plugin.channel.WebhookRequest;
import dev.switchboard.plugin.model.ChannelId;
import dev.switchboard.plugin.model.MessageType;
import dev.switchboard.plugin.spi.ConfigField;
import dev.switchboard.plugin.spi.PluginDescriptor;
import dev.switchboard.plugin.spi.SpiVersion;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;

/**
 * The WhatsApp Business Platform (Cloud API) channel: Meta's webhook handshake, signed webhook
 * calls, and sending through the Graph API ({@link WhatsAppSender}).
 *
 * <p>{@link #decodeWebhook} is pure and stateless: GET is the subscription handshake
 * ({@link HandshakeVerifier}); POST is authenticated over the raw bytes ({@link SignatureVerifier})
 * before anything is parsed, then decoded by {@link WebhookDecoder}. It never throws: anything it
 * cannot read is a {@link DecodeResult.Rejected} whose message names no secret and no content.
 */
public final class WhatsAppChannelPlugin implements ChannelPlugin {

  public static final String PHONE_NUMBER_ID = "phoneNumberId";
  public static final String APP_SECRET = "appSecret";
  public static final String VERIFY_TOKEN = "verifyToken";
  public static final String ACCESS_TOKEN = "accessToken";
  public static final String API_BASE_URL = "apiBaseUrl";
  public static final String DEFAULT_API_BASE_URL = "https://graph.facebook.com/v23.0";

  private static final PluginDescriptor DESCRIPTOR = new PluginDescriptor(
      ChannelId.WHATSAPP.value(), "WhatsApp Cloud API", "0.1.0", SpiVersion.CURRENT, List.of(
          ConfigField.required(PHONE_NUMBER_ID,
              "Meta phone_number_id of the business number (routing key of the webhooks)"),
          ConfigField.secret(APP_SECRET,
              "App Secret of the Meta app; verifies X-Hub-Signature-256 on webhook calls"),
          ConfigField.secret(VERIFY_TOKEN,
              "Verify token entered in the App Dashboard for the webhook handshake"),
          new ConfigField(ACCESS_TOKEN, false, true, null,
              "System-user access token for the Graph API (needed to send; without it every send fails)"),
          ConfigField.optional(API_BASE_URL, DEFAULT_API_BASE_URL,
              "Graph API base URL including the version")));

  private static final SendCapabilities CAPABILITIES = new SendCapabilities(
      EnumSet.of(MessageType.TEXT, MessageType.IMAGE, MessageType.VIDEO, MessageType.AUDIO, MessageType.VOICE,
          MessageType.DOCUMENT, MessageType.STICKER, MessageType.TEMPLATE, MessageType.INTERACTIVE,
          MessageType.REACTION, MessageType.LOCATION, MessageType.CONTACTS),
      4096, 1024, Pacing.perSecond(80, 80), Pacing.perSecond(1.0 / 6, 5), Pacing.perSecond(1.0 / 6, 5));

  @Override
  public PluginDescriptor descriptor() {
    return DESCRIPTOR;
  }

  @Override
  public String accountRef(AccountConfig account) {
    return account.get(PHONE_NUMBER_ID);
  }

  /**
   * Cloud API: text up to 4096 characters, captions up to 1024, media by id or link, templates,
   * interactive buttons and lists, reactions, locations, contact cards. Pace: 80 messages/s per
   * business number (Meta's default throughput), about one message per 6 s to one user with short
   * bursts (the pair rate limit).
   */
  @Override
  public SendCapabilities sendCapabilities() {
    return CAPABILITIES;
  }

  /** E.164 digits ({@code +} optional, spaces and dashes dropped), or a business-scoped user id as given. */
  @Override
  public String chatIdFor(String to) {
    return Recipients.chatId(to);
  }

  @Override
  public String phoneOf(String chatId) {
    return Recipients.isBusinessScopedId(chatId) ? null : "+" + chatId;
  }

  @Override
  public ChannelSender newSender(ChannelContext context) {
    return new WhatsAppSender(context);
  }

  @Override
  public DecodeResult decodeWebhook(WebhookRequest request, AccountConfig account) {
    try {
      String method = request.method() == null ? "" : request.method().toUpperCase(Locale.ROOT);
      return switch (method) {
        case "GET" -> HandshakeVerifier.verify(request, account.get(VERIFY_TOKEN));
        case "POST" -> decodePost(request, account);
        default -> new DecodeResult.Rejected(DecodeResult.Reason.METHOD_NOT_ALLOWED,
            "only GET and POST are accepted");
      };
    } catch (RuntimeException e) {
      // Last resort: the decoders are written not to throw; this keeps the contract if one does.
      return DecodeResult.malformed("unexpected payload shape");
    }
  }

  private static DecodeResult decodePost(WebhookRequest request, AccountConfig account) {
    SignatureVerifier.Failure failure = SignatureVerifier.verify(
        request.header(SignatureVerifier.HEADER), request.body(), account.get(APP_SECRET));
    if (failure != null) {
      return DecodeResult.unauthentic(failure.message);
    }
    Object parsed;
    try {
      parsed = Json.decodeValue(Buffer.buffer(request.body()));
    } catch (DecodeException e) {
      return DecodeResult.malformed("body is not valid JSON");
    }
    if (!(parsed instanceof JsonObject root)) {
      return DecodeResult.malformed("body is not a JSON object");
    }
    try {
      return DecodeResult.accepted(
          WebhookDecoder.decode(root, account.get(PHONE_NUMBER_ID), request.receivedAt()));
    } catch (MalformedPayloadException e) {
      return DecodeResult.malformed(e.getMessage());
    }
  }
}
