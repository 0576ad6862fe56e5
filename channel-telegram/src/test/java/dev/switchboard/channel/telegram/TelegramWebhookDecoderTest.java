package dev.switchboard.channel.telegram;

import static dev.switchboard.channel.telegram.UpdateFixturesTest.BOT;
import static dev.switchboard.channel.telegram.UpdateFixturesTest.RECEIVED_AT;
import static dev.switchboard.channel.telegram.UpdateFixturesTest.SECRET;
import static dev.switchboard.channel.telegram.UpdateFixturesTest.decode;
import static dev.switchboard.channel.telegram.UpdateFixturesTest.fixture;
import static dev.switchboard.channel.telegram.UpdateFixturesTest.only;
import static dev.switchboard.channel.telegram.UpdateFixturesTest.post;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.plugin.channel.AccountConfig;
import dev.switchboard.plugin.channel.DecodeResult;
import dev.switchboard.plugin.channel.DecodeResult.Reason;
import dev.switchboard.plugin.channel.WebhookRequest;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.PlatformNotice;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The call-level contract: method, secret token, JSON shape, and "always one event". */
class TelegramWebhookDecoderTest {

  private static DecodeResult decodeWithHeader(byte[] body, String header) {
    return TelegramWebhookDecoder.decode(post(body, header), SECRET, BOT);
  }

  private static void assertRejected(DecodeResult result, Reason reason) {
    assertThat(result).isInstanceOfSatisfying(DecodeResult.Rejected.class,
        r -> assertThat(r.reason()).isEqualTo(reason));
  }

  @Test
  void theRightSecretIsAcceptedWithOneEventKeyedByBotAndUpdateId() {
    DecodeResult result = decode(fixture("guide-text.json"));

    InboundMessage m = (InboundMessage) only(result);
    assertThat(m.idempotencyKey()).isEqualTo(BOT + ":10000");
    assertThat(m.accountRef()).isEqualTo(BOT);
  }

  @Test
  void aMissingSecretHeaderIsUnauthentic() {
    assertRejected(decodeWithHeader(fixture("guide-text.json"), null), Reason.UNAUTHENTIC);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "wrong", "wH-s3cr3t_token_4", "wH-s3cr3t_token_421",
      "WH-S3CR3T_TOKEN_42", " wH-s3cr3t_token_42"})
  void aWrongSecretIsUnauthentic(String header) {
    assertRejected(decodeWithHeader(fixture("guide-text.json"), header), Reason.UNAUTHENTIC);
  }

  @Test
  void aBodyThatIsNotJsonWithAWrongSecretIsUnauthenticNotMalformed() {
    assertRejected(decodeWithHeader(fixture("not-json.txt"), "wrong"), Reason.UNAUTHENTIC);
    assertRejected(decodeWithHeader(fixture("not-json.txt"), null), Reason.UNAUTHENTIC);
  }

  @Test
  void anUnconfiguredSecretRejectsEverything() {
    DecodeResult result = TelegramWebhookDecoder.decode(post(fixture("guide-text.json"), ""), "", BOT);
    assertRejected(result, Reason.UNAUTHENTIC);
    assertRejected(TelegramWebhookDecoder.decode(post(fixture("guide-text.json"), SECRET), null, BOT),
        Reason.UNAUTHENTIC);
  }

  @Test
  void rejectionMessagesNeverEchoTheSecrets() {
    DecodeResult.Rejected r = (DecodeResult.Rejected) decodeWithHeader(fixture("guide-text.json"),
        "attacker-guess");
    assertThat(r.message()).doesNotContain(SECRET).doesNotContain("attacker-guess");
  }

  @Test
  void malformedJsonWithTheRightSecretIsMalformed() {
    assertRejected(decode(fixture("not-json.txt")), Reason.MALFORMED);
    assertRejected(decode(new byte[0]), Reason.MALFORMED);
    assertRejected(decode("{\"update_id\":1,"), Reason.MALFORMED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "[{\"update_id\":1}]", "\"update\"", "42", "null", "true"})
  void jsonThatIsNotAnObjectIsMalformed(String body) {
    assertRejected(decode(body), Reason.MALFORMED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET", "PUT", "DELETE", "get"})
  void onlyPostIsAllowed(String method) {
    WebhookRequest request = new WebhookRequest(method,
        Map.of("x-telegram-bot-api-secret-token", SECRET), Map.of(), fixture("guide-text.json"),
        RECEIVED_AT);

    assertRejected(TelegramWebhookDecoder.decode(request, SECRET, BOT), Reason.METHOD_NOT_ALLOWED);
  }

  @Test
  void lowerCasePostAndAnyHeaderCaseAreFine() {
    WebhookRequest request = new WebhookRequest("post",
        Map.of("x-telegram-bot-api-secret-token", SECRET), Map.of(), fixture("guide-text.json"),
        RECEIVED_AT);

    assertThat(TelegramWebhookDecoder.decode(request, SECRET, BOT))
        .isInstanceOf(DecodeResult.Accepted.class);
  }

  @Test
  void anUnknownUpdateKindIsAcceptedAsAnUnhandledNotice() {
    PlatformNotice n = (PlatformNotice) only(decode(fixture("new-update-kind.json")));

    assertThat(n.kind()).isEqualTo(PlatformNotice.Kind.UNHANDLED);
    assertThat(n.detail()).isEqualTo("new_update_kind");
    assertThat(n.idempotencyKey()).isEqualTo(BOT + ":1");
    assertThat(n.rawJson()).isEqualTo("{\"some_field_idk\":1}");
  }

  @Test
  void anAuthenticEmptyObjectIsStillAccepted() {
    PlatformNotice n = (PlatformNotice) only(decode("{}"));

    assertThat(n.kind()).isEqualTo(PlatformNotice.Kind.UNDECODABLE);
    assertThat(n.detail()).isEqualTo("update_id missing");
  }

  @Test
  void thePluginDecodesWithTheBotIdOfItsTokenAndItsSecret() {
    AccountConfig account = new AccountConfig(Map.of(
        TelegramChannelPlugin.BOT_TOKEN, "123456:ABC-DEF1234ghIkl-zyx57W2v1u123ew11",
        TelegramChannelPlugin.SECRET_TOKEN, SECRET));
    TelegramChannelPlugin plugin = new TelegramChannelPlugin();

    InboundMessage m = (InboundMessage) only(
        plugin.decodeWebhook(post(fixture("guide-text.json"), SECRET), account));
    assertThat(m.accountRef()).isEqualTo("123456");
    assertThat(m.idempotencyKey()).isEqualTo("123456:10000");
    assertThat(m.rawJson()).doesNotContain("ABC-DEF1234ghIkl");

    assertRejected(plugin.decodeWebhook(post(
        "{}".getBytes(StandardCharsets.UTF_8), "nope"), account), Reason.UNAUTHENTIC);
  }
}
