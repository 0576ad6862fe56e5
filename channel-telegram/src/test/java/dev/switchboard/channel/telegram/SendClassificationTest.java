package dev.switchboard.channel.telegram;

import static dev.switchboard.channel.telegram.FakeBotApi.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.channel.telegram.FakeBotApi.Reply;
import dev.switchboard.plugin.channel.AccountConfig;
import dev.switchboard.plugin.channel.SendOutcome;
import dev.switchboard.plugin.model.MessageType;
import dev.switchboard.plugin.model.OutboundMessage;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How every kind of Bot API answer (and no answer) is classified. */
class SendClassificationTest extends BotApiTest {
  private static final long ADA = 73104289L;

  private TelegramSender sender;
  private SendOutcome outcome;

  @BeforeEach
  void fresh() {
    sender = new TelegramSender(api.context(client));
    outcome = null;
  }

  @AfterEach
  void theTokenNeverShows() {
    if (outcome != null) {
      assertThat(outcome.toString()).doesNotContain(FakeBotApi.TOKEN_SECRET);
    }
  }

  private SendOutcome send(String to, String text) {
    outcome = await(sender.send(OutboundMessage.text("tok-1", to, text)));
    return outcome;
  }

  private SendOutcome sendToAda() {
    return send(String.valueOf(ADA), "Your order shipped");
  }

  @Test
  void floodControlWaitsTheSecondsTelegramAsksFor() {
    api.enqueue(FakeBotApi.floodControl(7));

    assertThat(sendToAda()).isEqualTo(new SendOutcome.RetryAfter(Duration.ofSeconds(7), "429",
        "Too Many Requests: retry after 7", SendOutcome.Scope.RECIPIENT));
  }

  @Test
  void floodControlOnACallWithoutAChatHoldsTheWholeBot() {
    api.enqueue(FakeBotApi.floodControl(3));

    outcome = await(sender.send(new OutboundMessage("tok-9", String.valueOf(ADA), MessageType.SYSTEM, "Done", null,
        null, null, null, null, null, null, null, "{\"action\":\"answerCallback\",\"callbackQueryId\":\"9001\"}")));

    assertThat(outcome).isEqualTo(new SendOutcome.RetryAfter(Duration.ofSeconds(3), "429",
        "Too Many Requests: retry after 3", SendOutcome.Scope.ACCOUNT));
  }

  @Test
  void floodControlWithoutParametersFallsBackToTheRetryAfterHeader() {
    api.enqueue(Reply.error(429, "Too Many Requests").withHeader("Retry-After", "12"));

    assertThat(sendToAda()).isEqualTo(new SendOutcome.RetryAfter(Duration.ofSeconds(12), "429", "Too Many Requests",
        SendOutcome.Scope.RECIPIENT));
  }

  @Test
  void aGroupThatBecameASupergroupIsSentToAgainAndReportedMoved() {
    api.migrate(-4001234567L, -1004001234567L);

    SendOutcome result = send("-4001234567", "Meeting at 10");

    assertThat(api.requests()).extracting(r -> r.body().getValue("chat_id"))
        .containsExactly(-4001234567L, -1004001234567L);
    assertThat(api.requests()).extracting(r -> r.body().getString("text")).containsOnly("Meeting at 10");
    assertThat(result).isEqualTo(new SendOutcome.Sent("-1004001234567:1000", "-1004001234567"));
  }

  @Test
  void aFailedResendAfterMigrationIsClassifiedOnItsOwn() {
    api.migrate(-4001234567L, -1004001234567L);
    api.blockedBy(-1004001234567L); // contrived, but any answer of the resend counts

    SendOutcome result = send("-4001234567", "Meeting at 10");

    assertThat(api.requests()).hasSize(2);
    assertThat(result).isEqualTo(new SendOutcome.PermanentFailure("403", "Forbidden: bot was blocked by the user", true));
  }

  @Test
  void aUserWhoBlockedTheBotIsUnreachable() {
    api.blockedBy(ADA);

    assertThat(sendToAda()).isEqualTo(
        new SendOutcome.PermanentFailure("403", "Forbidden: bot was blocked by the user", true));
  }

  @Test
  void anUnknownChatIsAPermanentFailureButNotAnUnreachableContact() {
    assertThat(send("0", "hello?")).isEqualTo(new SendOutcome.PermanentFailure("400", "Bad Request: chat not found"));
  }

  @Test
  void aCallbackAnsweredTooLateIsANoOp() {
    api.enqueue(Reply.error(400,
        "Bad Request: query is too old and response timeout expired or query ID is invalid"));

    outcome = await(sender.send(new OutboundMessage("tok-9", String.valueOf(ADA), MessageType.SYSTEM, "Done", null,
        null, null, null, null, null, null, null, "{\"action\":\"answerCallback\",\"callbackQueryId\":\"9001\"}")));

    assertThat(outcome).isEqualTo(new SendOutcome.Sent("tok-9"));
  }

  @Test
  void aRejectedTokenSaysToCheckTheTokenWithoutShowingIt() {
    AccountConfig wrongToken = new AccountConfig(Map.of(TelegramChannelPlugin.BOT_TOKEN,
        "110201543:AAWrongSecretWrongSecretWrongSecret", TelegramChannelPlugin.API_BASE_URL, api.baseUrl()));
    sender = new TelegramSender(api.context(client, wrongToken));

    SendOutcome result = sendToAda();

    assertThat(result).isInstanceOf(SendOutcome.PermanentFailure.class);
    SendOutcome.PermanentFailure failure = (SendOutcome.PermanentFailure) result;
    assertThat(failure.code()).isEqualTo("401");
    assertThat(failure.detail()).startsWith("Unauthorized").contains("check botToken")
        .doesNotContain("AAWrongSecret");
    assertThat(failure.recipientUnreachable()).isFalse();
  }

  @Test
  void notFoundIsPermanentAndPointsAtTheConfiguration() {
    api.enqueue(Reply.error(404, "Not Found"));

    SendOutcome result = sendToAda();

    assertThat(result).extracting("code").isEqualTo("404");
    assertThat(((SendOutcome.PermanentFailure) result).detail()).contains("apiBaseUrl");
  }

  @Test
  void otherClientErrorsArePermanentWithTelegramsCodeAndDescription() {
    api.enqueue(Reply.error(400, "Bad Request: can't parse entities: Unsupported start tag \"bold\" at byte offset 0"));

    assertThat(sendToAda()).isEqualTo(new SendOutcome.PermanentFailure("400",
        "Bad Request: can't parse entities: Unsupported start tag \"bold\" at byte offset 0"));
  }

  @Test
  void serverErrorsAreRetriedAfterAFewSeconds() {
    api.enqueue(Reply.error(500, "Internal Server Error"));

    assertThat(sendToAda()).isEqualTo(new SendOutcome.RetryAfter(Duration.ofSeconds(5), "500", "Internal Server Error",
        SendOutcome.Scope.MESSAGE));
  }

  @Test
  void aBodyThatIsNotTheBotApiEnvelopeIsRetried() {
    api.enqueue(FakeBotApi.gatewayPage());

    SendOutcome result = sendToAda();

    assertThat(result).isInstanceOf(SendOutcome.RetryAfter.class).extracting("code").isEqualTo("invalid_response");
    assertThat(((SendOutcome.RetryAfter) result).detail()).contains("502");
  }

  @Test
  void noAnswerWithinTheTimeoutIsRetried() {
    api.enqueue(Reply.never());
    sender = new TelegramSender(api.context(client), Duration.ofMillis(300));

    long started = System.nanoTime();
    SendOutcome result = sendToAda();

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    assertThat(result).isInstanceOf(SendOutcome.RetryAfter.class).extracting("code").isEqualTo("timeout");
  }

  @Test
  void aRefusedConnectionIsRetried() {
    AccountConfig nowhere = new AccountConfig(Map.of(TelegramChannelPlugin.BOT_TOKEN, FakeBotApi.TOKEN,
        TelegramChannelPlugin.API_BASE_URL, "http://127.0.0.1:1"));
    sender = new TelegramSender(api.context(client, nowhere));

    SendOutcome result = sendToAda();

    assertThat(result).isInstanceOf(SendOutcome.RetryAfter.class).extracting("code").isEqualTo("unreachable");
  }

  @Test
  void anUnusableConfigurationIsPermanentAndNeverEchoesTheToken() {
    AccountConfig badUrl = new AccountConfig(Map.of(TelegramChannelPlugin.BOT_TOKEN, FakeBotApi.TOKEN,
        TelegramChannelPlugin.API_BASE_URL, "api.telegram.org"));
    AccountConfig badToken = new AccountConfig(Map.of(TelegramChannelPlugin.BOT_TOKEN, "AAFakeTestSecret-only"));

    for (AccountConfig account : List.of(badUrl, badToken)) {
      sender = new TelegramSender(api.context(client, account));
      SendOutcome result = sendToAda();
      assertThat(result).extracting("code").isEqualTo("invalid_config");
      assertThat(result.toString()).doesNotContain("AAFakeTestSecret");
    }
    assertThat(api.requests()).isEmpty();
  }

  @Test
  void aLaterPartHitByFloodControlIsResentAfterTheWaitWithoutRepeatingEarlierParts() {
    String first = "p".repeat(4000);
    String second = "q".repeat(100);
    api.enqueue(Reply.normal());
    api.enqueue(FakeBotApi.floodControl(1));

    long started = System.nanoTime();
    SendOutcome result = send(String.valueOf(ADA), first + "\n\n" + second);

    assertThat(api.requests()).extracting(r -> r.body().getString("text")).containsExactly(first, second, second);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
    assertThat(result).isEqualTo(new SendOutcome.Sent(ADA + ":1000"));
  }

  @Test
  void aLaterPartHeldLongerThanTheSenderWaitsReportsHowFarItGotAndKeepsTheScope() {
    api.enqueue(Reply.normal());
    api.enqueue(FakeBotApi.floodControl(TelegramSender.CONTINUATION_MAX_WAIT_SECONDS + 1));

    SendOutcome result = send(String.valueOf(ADA), "p".repeat(4000) + "\n\n" + "q".repeat(100));

    assertThat(api.requests()).hasSize(2);
    assertThat(result).isEqualTo(new SendOutcome.RetryAfter(Duration.ofSeconds(31), "429",
        "part 2 of 2 failed after 1 sent (first " + ADA + ":1000): Too Many Requests: retry after 31",
        SendOutcome.Scope.RECIPIENT));
  }

  @Test
  void aLaterPartThatCannotBeSentReportsHowFarTheMessageGot() {
    api.enqueue(Reply.normal());
    api.enqueue(Reply.error(403, "Forbidden: bot was blocked by the user"));

    SendOutcome result = send(String.valueOf(ADA), "p".repeat(4000) + "\n\n" + "q".repeat(100));

    assertThat(api.requests()).hasSize(2);
    assertThat(result).isEqualTo(new SendOutcome.PermanentFailure("403",
        "part 2 of 2 failed after 1 sent (first " + ADA + ":1000): Forbidden: bot was blocked by the user", true));
  }
}
