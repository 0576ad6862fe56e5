package dev.switchboard.channel.evolution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.plugin.channel.AccountConfig;
import dev.switchboard.plugin.channel.ChannelContext;
import dev.switchboard.plugin.channel.SendOutcome;
import dev.switchboard.plugin.model.ChannelId;
import dev.switchboard.plugin.model.MessageType;
import dev.switchboard.plugin.model.OutboundMessage;
import dev.switchboard.plugin.model.SharedContact;
import dev.switchboard.plugin.model.TenantId;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How each of Evolution's answers (and silences) becomes a SendOutcome. */
class EvolutionSendClassificationTest {

  private static final String CUSTOMER = "5511956291095";
  private static final String INSTANCE_TOKEN = "instance-token-7C21E0";

  private static Vertx vertx;
  private static HttpClient http;
  private FakeEvolutionApi evolution;

  @BeforeAll
  static void vertx() {
    vertx = Vertx.vertx();
    http = vertx.createHttpClient();
  }

  @AfterAll
  static void closeVertx() throws Exception {
    vertx.close().await();
  }

  @BeforeEach
  void evolution() throws Exception {
    evolution = FakeEvolutionApi.start(vertx).instance("acme-main", INSTANCE_TOKEN).onWhatsApp(CUSTOMER);
  }

  @AfterEach
  void stop() throws Exception {
    evolution.close();
  }

  @Test
  void createdIsSentWithKeyId() throws Exception {
    SendOutcome outcome = send("acme-main", INSTANCE_TOKEN, hello(CUSTOMER));

    assertThat(outcome).isEqualTo(new SendOutcome.Sent(evolution.lastKeyId()));
  }

  @Test
  void theGlobalKeyIsAcceptedToo() throws Exception {
    assertThat(send("acme-main", FakeEvolutionApi.GLOBAL_KEY, hello(CUSTOMER))).isInstanceOf(SendOutcome.Sent.class);
  }

  @Test
  void aWrongKeyIsAPermanentUnauthorizedThatNeverShowsTheKey() throws Exception {
    SendOutcome outcome = send("acme-main", "wrong-key-5E1D", hello(CUSTOMER));

    assertThat(outcome).isEqualTo(new SendOutcome.PermanentFailure("unauthorized", "Unauthorized"));
    assertThat(evolution.lastRequest().apikey()).isEqualTo("wrong-key-5E1D");
    assertThat(outcome.toString()).doesNotContain("wrong-key-5E1D");
  }

  @Test
  void anUnknownInstanceIsAPermanentInstanceNotFound() throws Exception {
    SendOutcome outcome = send("acme-old", INSTANCE_TOKEN, hello(CUSTOMER));

    assertThat(outcome).isEqualTo(new SendOutcome.PermanentFailure("instance_not_found",
        "The \"acme-old\" instance does not exist"));
  }

  @Test
  void aNumberWithoutWhatsAppIsPermanentAndMarksTheRecipientUnreachable() throws Exception {
    SendOutcome outcome = send("acme-main", INSTANCE_TOKEN, hello("5511900000000"));

    assertThat(outcome).isEqualTo(new SendOutcome.PermanentFailure("not_on_whatsapp", "5511900000000", true));
  }

  @Test
  void aClosedWhatsAppConnectionIsRetriedLater() throws Exception {
    evolution.disconnect();

    SendOutcome outcome = send("acme-main", INSTANCE_TOKEN, hello(CUSTOMER));

    assertThat(outcome).isEqualTo(new SendOutcome.RetryAfter(Duration.ofSeconds(30), "not_connected",
        "Error: Connection Closed", SendOutcome.Scope.ACCOUNT));
  }

  @Test
  void theNumberCheckFailingOnAClosedConnectionAsA500IsNotConnectedToo() throws Exception {
    evolution.answerNext(500, FakeEvolutionApi.error(500, "Internal Server Error", "Connection Closed"));

    assertThat(send("acme-main", INSTANCE_TOKEN, hello(CUSTOMER)))
        .isEqualTo(new SendOutcome.RetryAfter(Duration.ofSeconds(30), "not_connected", "Connection Closed",
            SendOutcome.Scope.ACCOUNT));
  }

  @Test
  void aBaileysTimeoutIsRetriedSoon() throws Exception {
    evolution.answerNext(400, FakeEvolutionApi.error(400, "Bad Request", new JsonArray().add("Error: Timed Out")));

    assertThat(send("acme-main", INSTANCE_TOKEN, hello(CUSTOMER)))
        .isEqualTo(new SendOutcome.RetryAfter(Duration.ofSeconds(5), "platform_timeout", "Error: Timed Out",
            SendOutcome.Scope.MESSAGE));
  }

  @Test
  void anyOther400IsPermanentWithEvolutionsMessage() throws Exception {
    OutboundMessage card = new OutboundMessage("c1", CUSTOMER, MessageType.CONTACTS, null, null, null,
        List.of(new SharedContact("Front desk", List.of("1234"), List.of(), null, null)),
        null, null, null, null, null, null);

    SendOutcome outcome = send("acme-main", INSTANCE_TOKEN, card);

    assertThat(outcome).isEqualTo(new SendOutcome.PermanentFailure("bad_request",
        "instance.contact[0].phoneNumber does not meet minimum length of 10"));
  }

  @Test
  void aServerErrorIsRetriedSoon() throws Exception {
    evolution.answerNext(500, FakeEvolutionApi.error(500, "Internal Server Error",
        "Cannot read properties of undefined (reading 'onWhatsApp')"));

    assertThat(send("acme-main", INSTANCE_TOKEN, hello(CUSTOMER)))
        .isEqualTo(new SendOutcome.RetryAfter(Duration.ofSeconds(5), "server_error",
            "Cannot read properties of undefined (reading 'onWhatsApp')", SendOutcome.Scope.MESSAGE));
  }

  @Test
  void aProxyPageInsteadOfJsonIsRetriedSoon() throws Exception {
    evolution.answerNext(502, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>", Map.of());

    assertThat(send("acme-main", INSTANCE_TOKEN, hello(CUSTOMER)))
        .isEqualTo(new SendOutcome.RetryAfter(Duration.ofSeconds(5), "bad_response",
            "HTTP 502 without a JSON body"));
  }

  @Test
  void aTooManyRequestsHonoursRetryAfter() throws Exception {
    evolution.answerNext(429, "application/json",
        FakeEvolutionApi.error(429, "Too Many Requests", "Too Many Requests").encode(), Map.of("Retry-After", "12"));

    assertThat(send("acme-main", INSTANCE_TOKEN, hello(CUSTOMER)))
        .isEqualTo(new SendOutcome.RetryAfter(Duration.ofSeconds(12), "rate_limited", "Too Many Requests",
            SendOutcome.Scope.ACCOUNT));
  }

  @Test
  void aCreatedAnswerWithoutKeyIdIsAPermanentBadResponseNotARetry() throws Exception {
    evolution.answerNext(201, new JsonObject().put("status", "PENDING"));

    assertThat(send("acme-main", INSTANCE_TOKEN, hello(CUSTOMER)))
        .isEqualTo(new SendOutcome.PermanentFailure("bad_response", "Evolution answered 201 without key.id"));
  }

  @Test
  void noAnswerInTimeIsRetriedSoon() throws Exception {
    evolution.hang();
    EvolutionSender impatient = new EvolutionSender(context("acme-main", INSTANCE_TOKEN), Duration.ofMillis(300));

    SendOutcome outcome = impatient.send(hello(CUSTOMER)).await(5, TimeUnit.SECONDS);

    assertThat(outcome).isInstanceOf(SendOutcome.RetryAfter.class);
    assertThat(((SendOutcome.RetryAfter) outcome).code()).isEqualTo("timeout");
    assertThat(((SendOutcome.RetryAfter) outcome).after()).isEqualTo(Duration.ofSeconds(5));
    assertThat(((SendOutcome.RetryAfter) outcome).scope()).isEqualTo(SendOutcome.Scope.MESSAGE);
  }

  @Test
  void theDelayIsAddedToTheTimeout() throws Exception {
    evolution.hang();
    EvolutionSender impatient = new EvolutionSender(context("acme-main", INSTANCE_TOKEN), Duration.ofMillis(200));
    OutboundMessage slowly = new OutboundMessage("t1", CUSTOMER, MessageType.TEXT, "hi", null, null, null, null,
        null, null, null, null, "{\"delay\": 700}");

    long started = System.nanoTime();
    SendOutcome outcome = impatient.send(slowly).await(5, TimeUnit.SECONDS);

    assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(850));
    assertThat(((SendOutcome.RetryAfter) outcome).code()).isEqualTo("timeout");
  }

  @Test
  void anUnreachableServerIsRetriedSoon() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    EvolutionSender sender = new EvolutionSender(new ChannelContext(vertx, http, new TenantId("acme"),
        ChannelId.EVOLUTION, new AccountConfig(Map.of("serverUrl", "http://127.0.0.1:" + closedPort,
            "instance", "acme-main", "apiKey", INSTANCE_TOKEN))));

    SendOutcome outcome = sender.send(hello(CUSTOMER)).await(5, TimeUnit.SECONDS);

    assertThat(outcome).isInstanceOf(SendOutcome.RetryAfter.class);
    assertThat(((SendOutcome.RetryAfter) outcome).code()).isEqualTo("unreachable");
    assertThat(((SendOutcome.RetryAfter) outcome).detail()).doesNotContain(INSTANCE_TOKEN);
  }

  @Test
  void aServerUrlWithoutSchemeIsAPermanentBadConfigWithoutACall() throws Exception {
    EvolutionSender sender = new EvolutionSender(new ChannelContext(vertx, http, new TenantId("acme"),
        ChannelId.EVOLUTION, new AccountConfig(Map.of("serverUrl", "evo.acme.example",
            "instance", "acme-main", "apiKey", INSTANCE_TOKEN))));

    assertThat(sender.send(hello(CUSTOMER)).await(5, TimeUnit.SECONDS))
        .isEqualTo(new SendOutcome.PermanentFailure("bad_config", "serverUrl must be an http(s):// URL"));
    assertThat(sender.toString()).doesNotContain(INSTANCE_TOKEN);
    assertThat(evolution.requests()).isEmpty();
  }

  private SendOutcome send(String instance, String apiKey, OutboundMessage message) throws Exception {
    return new EvolutionSender(context(instance, apiKey)).send(message).await(5, TimeUnit.SECONDS);
  }

  private ChannelContext context(String instance, String apiKey) {
    return evolution.context(vertx, http, instance, apiKey);
  }

  private static OutboundMessage hello(String to) {
    return OutboundMessage.text("t-" + to, to, "Hello from Acme");
  }
}
