package dev.switchboard.channel.whatsapp;

import static dev.switchboard.channel.whatsapp.Webhooks.PLUGIN;
import static dev.switchboard.channel.whatsapp.Webhooks.RECEIVED_AT;
import static dev.switchboard.channel.whatsapp.Webhooks.VERIFY_TOKEN;
import static dev.switchboard.channel.whatsapp.Webhooks.account;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.plugin.channel.AccountConfig;
import dev.switchboard.plugin.channel.DecodeResult;
import dev.switchboard.plugin.channel.WebhookRequest;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Meta's GET {@code hub.mode / hub.verify_token / hub.challenge} subscription handshake. */
class HandshakeTest {

  private static DecodeResult get(String mode, String token, String challenge) {
    return get(mode, token, challenge, account(Webhooks.META_PHONE));
  }

  private static DecodeResult get(String mode, String token, String challenge,
                                  AccountConfig account) {
    Map<String, String> query = new HashMap<>();
    if (mode != null) {
      query.put("hub.mode", mode);
    }
    if (token != null) {
      query.put("hub.verify_token", token);
    }
    if (challenge != null) {
      query.put("hub.challenge", challenge);
    }
    return PLUGIN.decodeWebhook(new WebhookRequest("GET", Map.of(), query, null, RECEIVED_AT),
        account);
  }

  private static void assertRejected(DecodeResult result, DecodeResult.Reason reason) {
    assertThat(result).isInstanceOfSatisfying(DecodeResult.Rejected.class, r -> {
      assertThat(r.reason()).isEqualTo(reason);
      assertThat(r.message()).doesNotContain(VERIFY_TOKEN);
    });
  }

  @Test
  void echoesTheChallengeExactlyWhenTheTokenMatches() {
    DecodeResult result = get("subscribe", VERIFY_TOKEN, "1158201444");

    assertThat(result).isEqualTo(new DecodeResult.Handshake(200, "1158201444"));
  }

  @Test
  void echoesAnOpaqueChallengeUnchanged() {
    String challenge = " a/b+c=d&é ";

    assertThat(get("subscribe", VERIFY_TOKEN, challenge))
        .isEqualTo(new DecodeResult.Handshake(200, challenge));
  }

  @Test
  void wrongTokenIsForbidden() {
    DecodeResult result = get("subscribe", "guess", "1158201444");

    assertRejected(result, DecodeResult.Reason.FORBIDDEN);
    assertThat(((DecodeResult.Rejected) result).message()).isEqualTo("verify token mismatch");
  }

  @Test
  void tokenThatIsOnlyAPrefixIsForbidden() {
    assertRejected(get("subscribe", VERIFY_TOKEN.substring(0, 5), "1"),
        DecodeResult.Reason.FORBIDDEN);
    assertRejected(get("subscribe", VERIFY_TOKEN + "x", "1"), DecodeResult.Reason.FORBIDDEN);
  }

  @Test
  void tokenComparisonIsCaseSensitive() {
    assertRejected(get("subscribe", VERIFY_TOKEN.toUpperCase(), "1"),
        DecodeResult.Reason.FORBIDDEN);
  }

  @Test
  void wrongModeIsForbiddenEvenWithTheRightToken() {
    assertRejected(get("unsubscribe", VERIFY_TOKEN, "1158201444"), DecodeResult.Reason.FORBIDDEN);
    assertRejected(get(null, VERIFY_TOKEN, "1158201444"), DecodeResult.Reason.FORBIDDEN);
  }

  @Test
  void missingTokenIsForbidden() {
    assertRejected(get("subscribe", null, "1158201444"), DecodeResult.Reason.FORBIDDEN);
    assertRejected(get(null, null, null), DecodeResult.Reason.FORBIDDEN);
  }

  @Test
  void accountWithoutAVerifyTokenNeverVerifies() {
    AccountConfig noToken = new AccountConfig(Map.of("phoneNumberId", "1", "appSecret", "x"));

    assertRejected(get("subscribe", "", "1", noToken), DecodeResult.Reason.FORBIDDEN);
    assertRejected(get("subscribe", "anything", "1", noToken), DecodeResult.Reason.FORBIDDEN);
  }

  @Test
  void rightTokenWithoutAChallengeIsMalformed() {
    assertRejected(get("subscribe", VERIFY_TOKEN, null), DecodeResult.Reason.MALFORMED);
    assertRejected(get("subscribe", VERIFY_TOKEN, ""), DecodeResult.Reason.MALFORMED);
  }

  @Test
  void wrongTokenWithoutAChallengeIsStillForbidden() {
    assertRejected(get("subscribe", "guess", null), DecodeResult.Reason.FORBIDDEN);
  }
}
