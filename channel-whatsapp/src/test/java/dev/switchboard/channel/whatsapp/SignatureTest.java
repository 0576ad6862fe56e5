package dev.switchboard.channel.whatsapp;

import static dev.switchboard.channel.whatsapp.Webhooks.APP_SECRET;
import static dev.switchboard.channel.whatsapp.Webhooks.LEGACY_PHONE;
import static dev.switchboard.channel.whatsapp.Webhooks.PLUGIN;
import static dev.switchboard.channel.whatsapp.Webhooks.account;
import static dev.switchboard.channel.whatsapp.Webhooks.decodeSigned;
import static dev.switchboard.channel.whatsapp.Webhooks.fixture;
import static dev.switchboard.channel.whatsapp.Webhooks.post;
import static dev.switchboard.channel.whatsapp.Webhooks.signature;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.plugin.channel.AccountConfig;
import dev.switchboard.plugin.channel.DecodeResult;
import dev.switchboard.plugin.channel.DecodeResult.Reason;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** X-Hub-Signature-256 over the raw bytes, checked before any parsing. */
class SignatureTest {

  private static final byte[] BODY = fixture("text.json");

  private static DecodeResult decode(byte[] body, String header) {
    return PLUGIN.decodeWebhook(post(body, header), account(LEGACY_PHONE));
  }

  private static void assertRejected(DecodeResult result, Reason reason) {
    assertThat(result).isInstanceOfSatisfying(DecodeResult.Rejected.class, r -> {
      assertThat(r.reason()).isEqualTo(reason);
      assertThat(r.message()).isNotBlank().doesNotContain(APP_SECRET)
          .doesNotContain("Hello this is an answer");
    });
  }

  @Test
  void goodSignatureIsAccepted() {
    assertThat(decode(BODY, signature(BODY, APP_SECRET)))
        .isInstanceOf(DecodeResult.Accepted.class);
  }

  @Test
  void upperCaseHexIsAccepted() {
    String header = "sha256=" + signature(BODY, APP_SECRET).substring(7).toUpperCase();

    assertThat(decode(BODY, header)).isInstanceOf(DecodeResult.Accepted.class);
  }

  @Test
  void signatureUnderAnotherSecretIsUnauthentic() {
    DecodeResult result = decode(BODY, signature(BODY, "another-app-secret"));

    assertRejected(result, Reason.UNAUTHENTIC);
    assertThat(((DecodeResult.Rejected) result).message()).isEqualTo("signature mismatch");
  }

  @Test
  void bodyChangedAfterSigningIsUnauthentic() {
    String header = signature(BODY, APP_SECRET);
    byte[] tampered = new String(BODY, StandardCharsets.UTF_8)
        .replace("Hello this is an answer", "Hello this is an ANSWER")
        .getBytes(StandardCharsets.UTF_8);

    assertRejected(decode(tampered, header), Reason.UNAUTHENTIC);
  }

  @Test
  void reserialisedBodyDoesNotVerify() {
    // the signature covers the exact bytes: the same JSON without its whitespace is another body
    byte[] compact = new io.vertx.core.json.JsonObject(new String(BODY, StandardCharsets.UTF_8))
        .encode().getBytes(StandardCharsets.UTF_8);

    assertRejected(decode(compact, signature(BODY, APP_SECRET)), Reason.UNAUTHENTIC);
  }

  @Test
  void missingHeaderIsUnauthentic() {
    assertRejected(decode(BODY, null), Reason.UNAUTHENTIC);
    assertRejected(decode(BODY, ""), Reason.UNAUTHENTIC);
  }

  @Test
  void malformedHexIsUnauthentic() {
    String good = signature(BODY, APP_SECRET);
    String badHex = good.substring(0, good.length() - 2) + "zz";

    assertRejected(decode(BODY, badHex), Reason.UNAUTHENTIC);
  }

  @Test
  void wrongLengthIsUnauthentic() {
    String good = signature(BODY, APP_SECRET);

    assertRejected(decode(BODY, good.substring(0, good.length() - 2)), Reason.UNAUTHENTIC);
    assertRejected(decode(BODY, good + "00"), Reason.UNAUTHENTIC);
    assertRejected(decode(BODY, "sha256="), Reason.UNAUTHENTIC);
  }

  @Test
  void missingOrForeignPrefixIsUnauthentic() {
    String hex = signature(BODY, APP_SECRET).substring("sha256=".length());

    assertRejected(decode(BODY, hex), Reason.UNAUTHENTIC);
    assertRejected(decode(BODY, "sha1=" + hex), Reason.UNAUTHENTIC);
    assertRejected(decode(BODY, "sha256:" + hex), Reason.UNAUTHENTIC);
  }

  @Test
  void accountWithoutAnAppSecretAcceptsNothing() {
    AccountConfig noSecret = new AccountConfig(Map.of("phoneNumberId", LEGACY_PHONE));
    // even a signature computed with an empty key must not pass
    DecodeResult result = PLUGIN.decodeWebhook(post(BODY, signature(BODY, "x")), noSecret);

    assertRejected(result, Reason.UNAUTHENTIC);
  }

  @Test
  void signatureIsCheckedBeforeTheBodyIsParsed() {
    byte[] notJson = fixture("not-json.txt");

    assertRejected(decode(notJson, signature(notJson, "wrong")), Reason.UNAUTHENTIC);
  }

  @Test
  void signedBodyThatIsNotJsonIsMalformed() {
    DecodeResult result = decodeSigned(fixture("not-json.txt"), LEGACY_PHONE);

    assertRejected(result, Reason.MALFORMED);
  }

  @Test
  void signedJsonThatIsNotAnObjectIsMalformed() {
    for (String body : new String[] {"[]", "[{\"object\":\"whatsapp_business_account\"}]", "\"x\"",
        "42", "null", "true", "", "   "}) {
      assertRejected(decodeSigned(body.getBytes(StandardCharsets.UTF_8), LEGACY_PHONE),
          Reason.MALFORMED);
    }
  }

  @Test
  void signedObjectWithTrailingGarbageIsMalformed() {
    byte[] body = "{\"object\":\"whatsapp_business_account\",\"entry\":[]} trailing"
        .getBytes(StandardCharsets.UTF_8);

    assertRejected(decodeSigned(body, LEGACY_PHONE), Reason.MALFORMED);
  }
}
