package dev.switchboard.channel.whatsapp;

import static dev.switchboard.channel.whatsapp.FakeGraphApi.await;
import static dev.switchboard.channel.whatsapp.SendMappingTest.PABLO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.switchboard.channel.whatsapp.FakeGraphApi.Reply;
import dev.switchboard.plugin.channel.AccountConfig;
import dev.switchboard.plugin.channel.SendOutcome;
import dev.switchboard.plugin.channel.SendOutcome.PermanentFailure;
import dev.switchboard.plugin.channel.SendOutcome.RetryAfter;
import dev.switchboard.plugin.channel.SendOutcome.Scope;
import dev.switchboard.plugin.model.MessageType;
import dev.switchboard.plugin.model.OutboundMessage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** How every documented Graph error (and every other answer, and no answer) is classified. */
class SendClassificationTest extends GraphApiTest {

  /** What each documented code must become: a wait and its scope, or a permanent failure's flags. */
  private record Expected(Duration after, Scope scope, String code, boolean recipientUnreachable, boolean accountUnusable) {
    static Expected retry(long seconds, Scope scope) {
      return new Expected(Duration.ofSeconds(seconds), scope, null, false, false);
    }

    static Expected permanent() {
      return new Expected(null, null, null, false, false);
    }

    static Expected recipientGone() {
      return new Expected(null, null, null, true, false);
    }

    static Expected accountDown() {
      return new Expected(null, null, null, false, true);
    }
  }

  private static final Map<Integer, Expected> EXPECTED = new HashMap<>();

  static {
    EXPECTED.put(130429, Expected.retry(1, Scope.ACCOUNT));
    EXPECTED.put(131056, Expected.retry(6, Scope.RECIPIENT));
    EXPECTED.put(4, Expected.retry(300, Scope.ACCOUNT));
    EXPECTED.put(80007, Expected.retry(300, Scope.ACCOUNT));
    for (int code : new int[] {1, 2, 131000, 131016}) {
      EXPECTED.put(code, Expected.retry(5, Scope.MESSAGE));
    }
    EXPECTED.put(131057, Expected.retry(30, Scope.MESSAGE));
    EXPECTED.put(131053, Expected.retry(30, Scope.MESSAGE));
    EXPECTED.put(132069, Expected.retry(360, Scope.MESSAGE));
    EXPECTED.put(133016, Expected.retry(600, Scope.MESSAGE));
    EXPECTED.put(131047, new Expected(null, null, "outside_window", false, false));
    EXPECTED.put(131026, Expected.recipientGone());
    for (int code : new int[] {0, 190, 3, 10, 200, 131005, 33, 133010, 131045, 131031, 368, 131037, 131042}) {
      EXPECTED.put(code, Expected.accountDown());
    }
    for (int code : new int[] {100, 130472, 130497, 131008, 131009, 131021, 131030, 131048, 131049, 131050, 131051,
        131052, 131062, 131064, 132000, 132001, 132005, 132007, 132008, 132012, 132015, 132016, 132068}) {
      EXPECTED.put(code, Expected.permanent());
    }
  }

  private WhatsAppSender sender;
  private SendOutcome outcome;

  @BeforeEach
  void fresh() {
    sender = new WhatsAppSender(api.context(client));
    outcome = null;
  }

  @AfterEach
  void theTokenNeverShows() {
    if (outcome != null) {
      assertThat(outcome.toString()).doesNotContain(FakeGraphApi.TOKEN);
    }
    assertThat(sender.toString()).doesNotContain(FakeGraphApi.TOKEN);
  }

  private SendOutcome sendToPablo() {
    outcome = await(sender.send(OutboundMessage.text("tok-1", PABLO, "Your order shipped")));
    return outcome;
  }

  static Stream<JsonObject> documentedErrors() {
    return FakeGraphApi.DOCUMENTED.stream().map(JsonObject.class::cast);
  }

  static Stream<Arguments> documentedCodes() {
    return documentedErrors().map(d -> Arguments.of(d.getJsonObject("body").getJsonObject("error").getInteger("code"),
        d.getInteger("httpStatus"), d.getJsonObject("body")));
  }

  @ParameterizedTest(name = "code {0} (HTTP {1})")
  @MethodSource("documentedCodes")
  void everyDocumentedErrorIsClassifiedByItsCode(int code, int httpStatus, JsonObject body) {
    JsonObject error = body.getJsonObject("error");
    Expected expected = EXPECTED.get(code);
    if (expected == null) {
      fail("no expected classification for documented code " + code);
    }
    api.enqueue(Reply.json(httpStatus, body));

    SendOutcome result = sendToPablo();

    String metaText = error.containsKey("error_data") ? error.getJsonObject("error_data").getString("details")
        : error.getString("message");
    if (expected.after() != null) {
      assertThat(result).isInstanceOfSatisfying(RetryAfter.class, retry -> {
        assertThat(retry.after()).isEqualTo(expected.after());
        assertThat(retry.scope()).isEqualTo(expected.scope());
        assertThat(retry.code()).isEqualTo(String.valueOf(code));
        assertThat(retry.detail()).contains(metaText).contains(error.getString("fbtrace_id"));
      });
    } else {
      assertThat(result).isInstanceOfSatisfying(PermanentFailure.class, failure -> {
        assertThat(failure.code()).isEqualTo(expected.code() != null ? expected.code() : String.valueOf(code));
        assertThat(failure.detail()).contains(metaText);
        assertThat(failure.recipientUnreachable()).isEqualTo(expected.recipientUnreachable());
        assertThat(failure.accountUnusable()).isEqualTo(expected.accountUnusable());
      });
    }
  }

  @ParameterizedTest(name = "code {0}")
  @MethodSource("documentedCodes")
  void theHttpStatusDoesNotChangeHowADocumentedCodeIsClassified(int code, int httpStatus, JsonObject body) {
    api.enqueue(Reply.json(httpStatus, body));
    SendOutcome asDocumented = sendToPablo();

    for (int status : new int[] {400, 403, 429, 500, 503}) {
      api.enqueue(Reply.json(status, body));
      assertThat(sendToPablo()).as("code %d with HTTP %d", code, status).isEqualTo(asDocumented);
    }
  }

  @Test
  void everyCodeOfTheErrorTableHasADocumentedFixture() {
    assertThat(documentedErrors().map(d -> d.getJsonObject("body").getJsonObject("error").getInteger("code")))
        .containsExactlyInAnyOrderElementsOf(EXPECTED.keySet());
  }

  @Test
  void outsideTheWindowSaysATemplateIsNeeded() {
    api.windowClosed(PABLO);

    SendOutcome result = sendToPablo();

    assertThat(result).isInstanceOfSatisfying(PermanentFailure.class, failure -> {
      assertThat(failure.code()).isEqualTo("outside_window");
      assertThat(failure.detail()).contains("approved template").contains("(#131047) Re-engagement message");
      assertThat(failure.recipientUnreachable()).isFalse();
    });
  }

  @Test
  void aNumberWithoutWhatsAppIsUnreachable() {
    api.notOnWhatsApp(PABLO);

    assertThat(sendToPablo()).isInstanceOfSatisfying(PermanentFailure.class, failure -> {
      assertThat(failure.code()).isEqualTo("131026");
      assertThat(failure.recipientUnreachable()).isTrue();
      assertThat(failure.accountUnusable()).isFalse();
    });
  }

  @Test
  void throughputAnsweredAs429WaitsTheRetryAfterHeader() {
    api.enqueue(new Reply(429, FakeGraphApi.documented(130429).body(), Map.of("Retry-After", "3")));

    assertThat(sendToPablo()).isEqualTo(new RetryAfter(Duration.ofSeconds(3), "130429",
        "(#130429) Rate limit hit: Cloud API message throughput has been reached. [fbtrace_id Az8or2yhqkZfEZ-_4Qn_Bam]",
        Scope.ACCOUNT));
  }

  @Test
  void aProxyPageInsteadOfAGraphAnswerIsRetriedSoon() {
    api.enqueue(FakeGraphApi.gatewayPage());

    assertThat(sendToPablo()).isEqualTo(new RetryAfter(Duration.ofSeconds(5), "http_502",
        "HTTP 502 without a Graph API error", Scope.MESSAGE));
  }

  @Test
  void aRetryAfterHeaderWinsOverTheDefaultWait() {
    api.enqueue(FakeGraphApi.gatewayPage().withHeader("Retry-After", "17"));

    assertThat(sendToPablo()).isInstanceOfSatisfying(RetryAfter.class,
        retry -> assertThat(retry.after()).isEqualTo(Duration.ofSeconds(17)));
  }

  @Test
  void anUnknownCodeIsPermanentWithMetasCodeUnlessTheStatusIsA5xx() {
    api.enqueue(FakeGraphApi.graphError(400, 139999, "Some future error", "Something new went wrong."));
    assertThat(sendToPablo()).isEqualTo(new PermanentFailure("139999",
        "(#139999) Some future error: Something new went wrong. [fbtrace_id AbCdEfGhIjKlMnOpQrStUvW]"));

    api.enqueue(FakeGraphApi.graphError(503, 139998, "Some future outage", "Try again later."));
    assertThat(sendToPablo()).isInstanceOfSatisfying(RetryAfter.class, retry -> {
      assertThat(retry.code()).isEqualTo("139998");
      assertThat(retry.scope()).isEqualTo(Scope.MESSAGE);
      assertThat(retry.after()).isEqualTo(Duration.ofSeconds(5));
    });
  }

  @Test
  void aClientErrorWithoutAGraphEnvelopeIsPermanent() {
    api.enqueue(new Reply(404, "Not Found", Map.of("Content-Type", "text/plain")));

    assertThat(sendToPablo()).isEqualTo(new PermanentFailure("http_404", "HTTP 404 without a Graph API error"));
  }

  @Test
  void anAcceptedAnswerWithoutAMessageIdIsAPermanentBadResponseNotARetry() {
    api.enqueue(Reply.json(200, new JsonObject().put("messaging_product", "whatsapp")
        .put("contacts", new JsonArray().add(new JsonObject().put("input", PABLO).put("wa_id", PABLO)))
        .put("messages", new JsonArray())));

    assertThat(sendToPablo()).isInstanceOfSatisfying(PermanentFailure.class, failure -> {
      assertThat(failure.code()).isEqualTo("bad_response");
      assertThat(failure.detail()).contains("messages[0].id").contains("not retried");
    });
  }

  @Test
  void aSuccessThatIsNotJsonIsRetried() {
    api.enqueue(new Reply(200, "<html><body>Welcome to the hotel Wi-Fi</body></html>", Map.of("Content-Type", "text/html")));

    assertThat(sendToPablo()).isEqualTo(new RetryAfter(Duration.ofSeconds(5), "bad_response",
        "HTTP 200 without a Graph API JSON body", Scope.MESSAGE));
  }

  @Test
  void aReadReceiptWithoutSuccessIsABadResponse() {
    api.enqueue(Reply.json(200, new JsonObject().put("success", false)));

    outcome = await(sender.send(new OutboundMessage("tok-9", PABLO, MessageType.SYSTEM, null, null, null, null, null,
        null, null, null, SendMappingTest.INBOUND_WAMID, "{\"action\": \"markRead\"}")));

    assertThat(outcome).extracting("code").isEqualTo("bad_response");
  }

  @Test
  void anOversizedAnswerIsNotReadToItsEnd() {
    String huge = "{\"messages\":[{\"id\":\"wamid.x\"}],\"padding\":\"" + "x".repeat(2 * GraphApiClient.MAX_ANSWER_BYTES)
        + "\"}";
    api.enqueue(new Reply(200, huge, Map.of("Content-Type", "application/json")));
    api.enqueue(new Reply(200, huge, Map.of("Content-Type", "application/json", "Transfer-Encoding", "chunked")));

    for (int i = 0; i < 2; i++) {
      assertThat(sendToPablo()).isEqualTo(new RetryAfter(Duration.ofSeconds(5), "bad_response",
          "HTTP 200 without a Graph API JSON body", Scope.MESSAGE));
    }
    assertThat(api.requests()).hasSize(2);
  }

  @Test
  void noAnswerWithinTheTimeoutIsRetried() {
    api.enqueue(Reply.never());
    sender = new WhatsAppSender(api.context(client), Duration.ofMillis(300));

    long started = System.nanoTime();
    SendOutcome result = sendToPablo();

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    assertThat(result).isEqualTo(new RetryAfter(Duration.ofSeconds(5), "timeout",
        "no answer from the Graph API in time", Scope.MESSAGE));
  }

  @Test
  void aRefusedConnectionIsRetried() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    AccountConfig nowhere = new AccountConfig(Map.of(WhatsAppChannelPlugin.PHONE_NUMBER_ID, FakeGraphApi.PHONE_NUMBER_ID,
        WhatsAppChannelPlugin.ACCESS_TOKEN, FakeGraphApi.TOKEN,
        WhatsAppChannelPlugin.API_BASE_URL, "http://127.0.0.1:" + closedPort + "/v23.0"));
    sender = new WhatsAppSender(api.context(client, nowhere));

    assertThat(sendToPablo()).isEqualTo(new RetryAfter(Duration.ofSeconds(5), "unreachable",
        "could not reach the Graph API", Scope.MESSAGE));
  }

  @Test
  void aRefusedTokenMarksTheAccountUnusableWithoutShowingTheToken() {
    String wrong = "EAAJBwrongTokenwrongTokenwrongToken";
    sender = new WhatsAppSender(api.context(client, api.account(wrong)));

    SendOutcome result = sendToPablo();

    assertThat(api.onlyRequest().authorization()).isEqualTo("Bearer " + wrong);
    assertThat(result).isInstanceOfSatisfying(PermanentFailure.class, failure -> {
      assertThat(failure.code()).isEqualTo("190");
      assertThat(failure.detail()).startsWith("Invalid OAuth access token - Cannot parse access token")
          .contains("renew accessToken").doesNotContain(wrong);
      assertThat(failure.accountUnusable()).isTrue();
      assertThat(failure.recipientUnreachable()).isFalse();
    });
  }

  @Test
  void anErrorThatEchoesTheTokenHasItRedacted() {
    api.enqueue(FakeGraphApi.graphError(400, 100, "Invalid parameter",
        "Malformed access token " + FakeGraphApi.TOKEN));

    SendOutcome result = sendToPablo();

    assertThat(result).extracting("detail").asString().contains("Malformed access token <access token>");
  }

  static Stream<AccountConfig> unusableAccounts() {
    String base = "https://graph.facebook.com/v23.0";
    return Stream.of(
        new AccountConfig(Map.of(WhatsAppChannelPlugin.PHONE_NUMBER_ID, FakeGraphApi.PHONE_NUMBER_ID)),
        new AccountConfig(Map.of(WhatsAppChannelPlugin.PHONE_NUMBER_ID, FakeGraphApi.PHONE_NUMBER_ID,
            WhatsAppChannelPlugin.ACCESS_TOKEN, "  ")),
        new AccountConfig(Map.of(WhatsAppChannelPlugin.PHONE_NUMBER_ID, "+1 555 0100",
            WhatsAppChannelPlugin.ACCESS_TOKEN, FakeGraphApi.TOKEN)),
        new AccountConfig(Map.of(WhatsAppChannelPlugin.PHONE_NUMBER_ID, FakeGraphApi.PHONE_NUMBER_ID,
            WhatsAppChannelPlugin.ACCESS_TOKEN, FakeGraphApi.TOKEN, WhatsAppChannelPlugin.API_BASE_URL, "graph.facebook.com")),
        new AccountConfig(Map.of(WhatsAppChannelPlugin.PHONE_NUMBER_ID, FakeGraphApi.PHONE_NUMBER_ID,
            WhatsAppChannelPlugin.ACCESS_TOKEN, FakeGraphApi.TOKEN, WhatsAppChannelPlugin.API_BASE_URL, base + "?x=1")));
  }

  @ParameterizedTest
  @MethodSource("unusableAccounts")
  void anAccountThatCannotSendIsAPermanentAccountFailureWithoutACall(AccountConfig account) {
    sender = new WhatsAppSender(api.context(client, account));

    SendOutcome result = sendToPablo();

    assertThat(result).isInstanceOfSatisfying(PermanentFailure.class, failure -> {
      assertThat(failure.code()).isEqualTo("invalid_config");
      assertThat(failure.accountUnusable()).isTrue();
      assertThat(failure.detail()).containsAnyOf("accessToken", "phoneNumberId", "apiBaseUrl");
    });
    assertThat(api.requests()).isEmpty();
  }

  @Test
  void aSendFromAnEventLoopIsAnsweredThereToo() {
    SendOutcome fromEventLoop = await(vertx.timer(1).compose(v -> sender.send(OutboundMessage.text("tok-1", PABLO, "one"))));

    assertThat(fromEventLoop).isEqualTo(new SendOutcome.Sent(FakeGraphApi.wamid(1)));
  }
}
