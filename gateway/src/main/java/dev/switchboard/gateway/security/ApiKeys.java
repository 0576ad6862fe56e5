package dev.switchboard.gateway.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * API keys are long random strings, so a fast SHA-256 is the right hash to store and look up
 * (a slow password hash protects low-entropy passwords, which these are not). Keys created over the
 * admin API are {@value #PREFIX} and 32 random bytes in base64url (43 characters); their ids are
 * {@code key_} and the database id in base 36.
 */
public final class ApiKeys {
  /** The start of every generated key, so a leaked one is recognisable (e.g. by secret scanners). */
  public static final String PREFIX = "sb_";
  private static final int RANDOM_BYTES = 32;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String ID_PREFIX = "key_";
  private static final Pattern ID_BODY = Pattern.compile("[0-9a-z]{1,13}");

  private ApiKeys() {
  }

  public static String hash(String apiKey) {
    return sha256Hex(apiKey.getBytes(StandardCharsets.UTF_8));
  }

  /** A new key: {@value #PREFIX} and 32 bytes of {@link SecureRandom} in base64url without padding. */
  public static String generate() {
    byte[] bytes = new byte[RANDOM_BYTES];
    RANDOM.nextBytes(bytes);
    return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** The id the API shows for the stored key {@code id}. */
  public static String formatId(long id) {
    return ID_PREFIX + Long.toString(id, 36);
  }

  /** The stored key's id, or null when {@code text} is not a key id. */
  public static Long parseId(String text) {
    if (text == null || !text.startsWith(ID_PREFIX) || !ID_BODY.matcher(text.substring(ID_PREFIX.length())).matches()) {
      return null;
    }
    try {
      long id = Long.parseLong(text.substring(ID_PREFIX.length()), 36);
      return id > 0 ? id : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  public static String sha256Hex(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
