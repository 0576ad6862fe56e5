package dev.switchboard.channel.whatsapp;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Checks Meta's {@code X-Hub-Signature-256: sha256=<hex>} header: HMAC-SHA256 of the raw body
 * bytes keyed with the app secret, compared in constant time. Stateless; the {@link Mac} is cached per thread and re-keyed per call.
 */
final class SignatureVerifier {

  static final String HEADER = "X-Hub-Signature-256";
  private static final String PREFIX = "sha256=";
  private static final String ALGORITHM = "HmacSHA256";
  private static final int HEX_LENGTH = 64;

  /** Why a signature was refused; null from {@link #verify} means it is valid. */
  enum Failure {
    NO_SECRET("app secret is not configured"),
    MISSING("missing " + HEADER + " header"),
    BAD_FORMAT("malformed " + HEADER + " header"),
    MISMATCH("signature mismatch");

    final String message;

    Failure(String message) {
      this.message = message;
    }
  }

  private SignatureVerifier() {
  }

  /** Null when {@code header} is a valid signature of {@code body} under {@code appSecret}. */
  static Failure verify(String header, byte[] body, String appSecret) {
    if (appSecret == null || appSecret.isEmpty()) {
      return Failure.NO_SECRET;
    }
    if (header == null || header.isBlank()) {
      return Failure.MISSING;
    }
    String value = header.trim();
    if (!value.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
        || value.length() != PREFIX.length() + HEX_LENGTH) {
      return Failure.BAD_FORMAT;
    }
    byte[] given;
    try {
      given = HexFormat.of().parseHex(value, PREFIX.length(), value.length());
    } catch (IllegalArgumentException e) {
      return Failure.BAD_FORMAT;
    }
    byte[] expected = hmac(body, appSecret);
    return MessageDigest.isEqual(expected, given) ? null : Failure.MISMATCH;
  }

  /**
   * One {@link Mac} per thread: {@code Mac.getInstance} looks the provider up every time, which
   * costs more than the HMAC of a small body. The instance is re-keyed on every call, so no key
   * or state survives from one call to the next.
   */
  private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(() -> {
    try {
      return Mac.getInstance(ALGORITHM);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  });

  /** HMAC-SHA256 of {@code body} keyed with the UTF-8 bytes of {@code secret}. */
  static byte[] hmac(byte[] body, String secret) {
    try {
      Mac mac = MAC.get();
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
