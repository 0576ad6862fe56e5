package dev.switchboard.gateway.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * API keys are long random strings, so a fast SHA-256 is the right hash to store and look up
 * (a slow password hash protects low-entropy passwords, which these are not).
 */
public final class ApiKeys {
  private ApiKeys() {
  }

  public static String hash(String apiKey) {
    return sha256Hex(apiKey.getBytes(StandardCharsets.UTF_8));
  }

  public static String sha256Hex(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
