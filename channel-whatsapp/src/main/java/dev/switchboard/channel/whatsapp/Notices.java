package dev.switchboard.channel.whatsapp;

import dev.switchboard.plugin.model.PlatformError;
import dev.switchboard.plugin.model.PlatformNotice;
import dev.switchboard.plugin.model.PlatformNotice.Kind;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Builds {@link PlatformNotice}s. Meta gives these no id, so the idempotency key is
 * {@code <kind>:<hex sha-256 of the entry's id and time and the JSON text they were built from>}:
 * Meta retries resend identical bytes, and {@code JsonObject.encode()} of the same parse is the same text.
 */
final class Notices {

  private Notices() {
  }

  /**
   * @param scope where the notice sat: the entry's {@code id} and {@code time} as sent. Two real
   *              notices whose change JSON is identical (the same template approved twice) differ
   *              there; a retry of the same delivery does not.
   */
  static PlatformNotice notice(Kind kind, String accountRef, String detail, List<PlatformError> errors,
                               Instant occurredAt, String rawJson, String scope) {
    return new PlatformNotice(key(kind, rawJson, scope), accountRef, kind, detail, errors, occurredAt, rawJson);
  }

  /** {@code <kind>:<hex sha-256 of scope and rawJson>}: the key of something Meta gives no id. */
  static String key(Kind kind, String rawJson, String scope) {
    return kind.name().toLowerCase(Locale.ROOT) + ":" + sha256Hex(scope + "\u0000" + rawJson);
  }

  static PlatformNotice unhandled(String accountRef, String detail, Instant occurredAt, String rawJson,
                                  String scope) {
    return notice(Kind.UNHANDLED, accountRef, detail, List.of(), occurredAt, rawJson, scope);
  }

  static String sha256Hex(String text) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
