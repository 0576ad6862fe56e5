package dev.switchboard.channel.whatsapp;

import dev.switchboard.plugin.channel.DecodeResult;
import dev.switchboard.plugin.channel.WebhookRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Meta's subscription handshake: {@code GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…}.
 *
 * <p>Wrong mode or token (compared in constant time) is FORBIDDEN. With the right token but no
 * (or an empty) {@code hub.challenge} the call cannot be answered as Meta expects, so it is
 * MALFORMED; the token is checked first so a caller without it learns nothing more than 403.
 */
final class HandshakeVerifier {

  static final String MODE = "hub.mode";
  static final String TOKEN = "hub.verify_token";
  static final String CHALLENGE = "hub.challenge";

  private HandshakeVerifier() {
  }

  static DecodeResult verify(WebhookRequest request, String verifyToken) {
    String mode = request.queryParam(MODE);
    String token = request.queryParam(TOKEN);
    if (!"subscribe".equals(mode) || !tokenMatches(token, verifyToken)) {
      return DecodeResult.forbidden("verify token mismatch");
    }
    String challenge = request.queryParam(CHALLENGE);
    if (challenge == null || challenge.isEmpty()) {
      return DecodeResult.malformed("missing hub.challenge");
    }
    return new DecodeResult.Handshake(200, challenge);
  }

  private static boolean tokenMatches(String given, String expected) {
    if (given == null || expected == null || expected.isEmpty()) {
      return false;
    }
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8),
        given.getBytes(StandardCharsets.UTF_8));
  }
}
