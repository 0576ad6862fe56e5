package dev.switchboard.gateway.plugins.builtin;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures: {@code v1,<base64 of HMAC-SHA256(key, "<id>.<timestamp>.<body>")>}.
 * A secret {@code whsec_<base64>} means the decoded bytes are the key; any other secret is its
 * UTF-8 bytes.
 */
public final class WebhookSigner {
  private WebhookSigner() {
  }

  /** The signing key of {@code secret}; an unusable secret is an IllegalArgumentException naming the field. */
  public static byte[] key(String secret) {
    if (secret == null || secret.isBlank()) {
      throw new IllegalArgumentException("secret: is required");
    }
    if (secret.startsWith("whsec_")) {
      try {
        byte[] key = Base64.getDecoder().decode(secret.substring(6));
        if (key.length < 16) {
          throw new IllegalArgumentException("secret: a whsec_ secret must hold at least 16 bytes of key");
        }
        return key;
      } catch (IllegalArgumentException e) {
        if (e.getMessage() != null && e.getMessage().startsWith("secret:")) {
          throw e;
        }
        throw new IllegalArgumentException("secret: whsec_ must be followed by base64");
      }
    }
    return secret.getBytes(StandardCharsets.UTF_8);
  }

  public static String sign(byte[] key, String id, long timestamp, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] digest = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
      return "v1," + Base64.getEncoder().encodeToString(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
