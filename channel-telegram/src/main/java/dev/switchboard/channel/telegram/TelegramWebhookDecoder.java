package dev.switchboard.channel.telegram;

import dev.switchboard.plugin.channel.DecodeResult;
import dev.switchboard.plugin.channel.WebhookRequest;
import dev.switchboard.plugin.model.InboundEvent;
import dev.switchboard.plugin.model.PlatformNotice.Kind;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Decodes one Telegram webhook call (a POST whose body is one {@code Update}). Pure: no I/O, never
 * throws.
 *
 * <ol>
 *   <li>Only POST is accepted (else METHOD_NOT_ALLOWED).</li>
 *   <li>Authenticity comes first: {@code X-Telegram-Bot-Api-Secret-Token} must equal the secret
 *       given to {@code setWebhook}, compared in constant time; otherwise UNAUTHENTIC, whatever
 *       the body is.</li>
 *   <li>A body that is not a JSON object is MALFORMED.</li>
 *   <li>An authentic JSON object is always accepted with exactly one event: Telegram stalls the
 *       chat until it gets a 2xx, so what is not understood becomes a notice, never a rejection.</li>
 * </ol>
 */
final class TelegramWebhookDecoder {

  static final String SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token";

  private TelegramWebhookDecoder() {
  }

  static DecodeResult decode(WebhookRequest request, String secretToken, String botId) {
    String method = request.method() == null ? "" : request.method().toUpperCase(Locale.ROOT);
    if (!"POST".equals(method)) {
      return new DecodeResult.Rejected(DecodeResult.Reason.METHOD_NOT_ALLOWED, "only POST is accepted");
    }
    if (secretToken == null || secretToken.isEmpty()) {
      return DecodeResult.unauthentic("secret token is not configured");
    }
    String given = request.header(SECRET_HEADER);
    if (given == null) {
      return DecodeResult.unauthentic("missing " + SECRET_HEADER + " header");
    }
    if (!MessageDigest.isEqual(secretToken.getBytes(StandardCharsets.UTF_8),
        given.getBytes(StandardCharsets.UTF_8))) {
      return DecodeResult.unauthentic("secret token mismatch");
    }
    Object parsed;
    try {
      parsed = Json.decodeValue(Buffer.buffer(request.body()));
    } catch (DecodeException e) {
      return DecodeResult.malformed("body is not valid JSON");
    } catch (RuntimeException e) { // parser limits (nesting depth, number length) surface here too
      return DecodeResult.malformed("body is not parseable JSON");
    }
    if (!(parsed instanceof JsonObject update)) {
      return DecodeResult.malformed("body is not a JSON object");
    }
    Instant receivedAt = request.receivedAt() != null ? request.receivedAt() : Instant.now();
    InboundEvent event;
    try {
      event = UpdateDecoder.decode(update, request.body(), botId, receivedAt);
    } catch (RuntimeException e) { // last resort: the decoders are written not to throw
      event = UpdateDecoder.notice(botId + ":sha256:" + UpdateDecoder.sha256Hex(request.body()),
          botId, Kind.UNDECODABLE, "unreadable update", receivedAt, new String(request.body(),
              StandardCharsets.UTF_8));
    }
    return DecodeResult.accepted(List.of(event));
  }
}
