package dev.switchboard.gateway.security;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secrets at rest with AES-256-GCM under a key derived from the master key.
 * Format: version byte (1) | 12-byte nonce | ciphertext and tag. The associated data binds a
 * ciphertext to its row (e.g. {@code acme/whatsapp}) so it cannot be moved to another tenant.
 */
public final class SecretBox {
  private static final byte VERSION = 1;
  private static final int NONCE_BYTES = 12;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final SecretKeySpec key;

  public SecretBox(String masterKey) {
    if (masterKey == null || masterKey.length() < 16) {
      throw new IllegalArgumentException("master key must have at least 16 characters");
    }
    try {
      byte[] derived = MessageDigest.getInstance("SHA-256")
          .digest(("switchboard-secrets-v1:" + masterKey).getBytes(StandardCharsets.UTF_8));
      this.key = new SecretKeySpec(derived, "AES");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  public byte[] seal(String plaintext, String associatedData) {
    try {
      byte[] nonce = new byte[NONCE_BYTES];
      RANDOM.nextBytes(nonce);
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
      cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
      byte[] ct = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
      return ByteBuffer.allocate(1 + NONCE_BYTES + ct.length).put(VERSION).put(nonce).put(ct).array();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("encryption failed", e);
    }
  }

  /** Decrypts; throws {@link SecretsUnreadableException} when the key is wrong or the data was tampered with. */
  public String open(byte[] sealed, String associatedData) {
    if (sealed == null || sealed.length < 1 + NONCE_BYTES + 16 || sealed[0] != VERSION) {
      throw new SecretsUnreadableException("not a sealed secret");
    }
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealed, 1, NONCE_BYTES));
      cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
      byte[] pt = cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
      return new String(pt, StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      throw new SecretsUnreadableException("wrong SWITCHBOARD_MASTER_KEY or tampered data");
    }
  }

  /** Secrets stored under another master key (or tampered with). */
  public static final class SecretsUnreadableException extends RuntimeException {
    public SecretsUnreadableException(String message) {
      super(message);
    }
  }
}
