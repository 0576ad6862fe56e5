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
 * {@code <kind>:<hex sha-256 of the JSON text they were built from>}: Meta retries resend identical
 * bytes, and {@code JsonObject.encode()} of the same parse is the same text.
 */
final class Notices {

  private Notices() {
  }

  static PlatformNotice notice(Kind kind, String accountRef, String detail,
                               List<PlatformError> errors, Instant occurredAt, String rawJson) {
    String key = kind.name().toLowerCase(Locale.ROOT) + ":" + sha256Hex(rawJson);
    return new PlatformNotice(key, accountRef, kind, detail, errors, occurredAt, rawJson);
  }

  static PlatformNotice unhandled(String accountRef, String detail, Instant occurredAt,
                                  String rawJson) {
    return notice(Kind.UNHANDLED, accountRef, detail, List.of(), occurredAt, rawJson);
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
