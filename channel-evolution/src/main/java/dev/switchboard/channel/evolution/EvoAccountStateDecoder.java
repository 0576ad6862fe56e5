package dev.switchboard.channel.evolution;

import static dev.switchboard.plugin.json.JsonFields.nonBlank;
import static dev.switchboard.plugin.json.JsonFields.object;
import static dev.switchboard.plugin.json.JsonFields.string;

import dev.switchboard.plugin.model.PlatformError;
import dev.switchboard.plugin.model.PlatformNotice;
import dev.switchboard.plugin.model.PlatformNotice.Kind;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code connection.update} and {@code qrcode.updated} → ACCOUNT_STATE notices (the gateway keeps
 * the latest per account). Neither carries an id: keys are {@code <instance>:connection:<hash>}
 * and {@code <instance>:qrcode:<hash>} (see {@link Envelope#hashKey}).
 *
 * <p>A new pairing QR is detail {@code qr}; the "QR code limit reached" message is
 * {@code refused}. The QR's {@code code}, {@code base64} and {@code pairingCode} are never kept:
 * anyone holding them can link the WhatsApp number.
 */
final class EvoAccountStateDecoder {

  private static final Set<String> STATES = Set.of("open", "connecting", "close", "refused");
  /** Baileys' DisconnectReason codes as Evolution reports them in {@code statusReason}. */
  private static final Map<Long, String> REASONS = Map.of(
      401L, "logged out: the number must be paired again",
      403L, "forbidden: the account may be banned",
      408L, "connection timed out",
      411L, "multi-device mismatch",
      428L, "connection closed",
      440L, "replaced by another session",
      500L, "bad session",
      503L, "service unavailable",
      515L, "restart required");

  private EvoAccountStateDecoder() {
  }

  static PlatformNotice connection(JsonObject data, Envelope env) {
    String state = nonBlank(data, "state");
    String detail = state == null ? null : state.trim().toLowerCase(Locale.ROOT);
    if (detail == null || !STATES.contains(detail)) {
      throw new EvoUndecodableException("state is missing or unknown");
    }
    Long reason = EvoJson.integral(data.getValue("statusReason"));
    List<PlatformError> errors = reason == null || reason == 200 ? List.of()
        : List.of(new PlatformError(Long.toString(reason), "statusReason",
            REASONS.getOrDefault(reason, "connection state reason"), null));
    return EvoNotices.notice(env.hashKey("connection", data), env, Kind.ACCOUNT_STATE, detail,
        errors, env.receivedAt(), EvoRawJson.of(env, data));
  }

  static PlatformNotice qrcode(JsonObject data, Envelope env) {
    String message = string(data, "message");
    JsonObject clean = data.copy();
    clean.remove("code");
    clean.remove("base64");
    clean.remove("pairingCode");
    boolean limit = message != null && message.toLowerCase(Locale.ROOT).contains("limit")
        && object(data, "qrcode") == null;
    List<PlatformError> errors = List.of();
    if (limit) {
      Long code = EvoJson.integral(data.getValue("statusCode"));
      errors = List.of(new PlatformError(code == null ? "qr_limit" : Long.toString(code),
          "QR code limit reached", EvoJson.clip(message), null));
    }
    return EvoNotices.notice(env.hashKey("qrcode", data), env, Kind.ACCOUNT_STATE,
        limit ? "refused" : "qr", errors, env.receivedAt(), EvoRawJson.of(env, clean));
  }
}
