package dev.switchboard.gateway.ai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.testing.FakeModel;
import dev.switchboard.gateway.testing.FakeModel.Reply;
import dev.switchboard.gateway.testing.LlmTestbed;
import dev.switchboard.gateway.testing.Pglite;
import dev.switchboard.gateway.testing.PrometheusText;
import dev.switchboard.gateway.testing.RunningGateway;
import dev.switchboard.gateway.testing.TestDatabase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The built-in AI responder end to end, on the real PostgreSQL of the suite with contact memory on
 * a real pgvector (PGlite, {@code memory.databaseUrl}): a WhatsApp message reaches the fake model
 * with the system prompt and the conversation's history, its answer is sent as a reply, every model
 * call is recorded and counted; memories stored by API are searched with scores and put into the
 * prompt, facts of a turn are extracted and remembered, and nothing crosses tenants or contacts; a
 * model that times out gets the fallback reply, a 429 is retried after its Retry-After, a refusal
 * without a fallback is a dead letter and the message stays stored.
 */
class LlmResponderIT {
  private static final String TENANT = "llm-it";
  private static final String OTHER = "llm-it-other";
  private static final String OTHER_PHONE_ID = "106540352242999";
  private static final String MODEL_KEY = "sk-test-llm-it-0123456789abcdef";
  private static final String FALLBACK = "Sorry, I cannot answer right now.";
  private static final String SYSTEM = "You are Acme's assistant. Answer in one sentence.";
  private static final String EXTRACTION = "You keep notes";
  private static LlmTestbed bed;

  @BeforeAll
  static void start() {
    bed = new LlmTestbed(MODEL_KEY);
    bed.model.chat(call -> FakeModel.system(call) != null && FakeModel.system(call).startsWith(EXTRACTION)
        ? Reply.text(FakeModel.lastUser(call).contains("his name is Max")
            ? "Here you go: {\"memories\":[{\"content\":\"The customer has a dog called Max\",\"importance\":0.8,"
                + "\"category\":\"Pets\"}]}"
            : "{\"memories\":[]}")
        : Reply.text("You said: " + FakeModel.lastUser(call)));
    Pglite.forget(TENANT, OTHER);
    JsonObject llm = bed.llm(MODEL_KEY, new JsonObject().put("systemPrompt", SYSTEM).put("historyMessages", 10)
        .put("timeout", "PT1S").put("maxAttempts", 2).put("fallbackReply", FALLBACK).put("temperature", 0.2)
        .put("maxTokens", 300)
        .put("memory", new JsonObject().put("enabled", true).put("topK", 3).put("minScore", 0.2).put("extract", true))
        .put("prices", new JsonObject().put("promptPerMillion", 0.15).put("completionPerMillion", 0.6)
            .put("embeddingPerMillion", 0.02)));
    JsonObject other = bed.llm("sk-wrong-key-of-the-other-tenant-42", new JsonObject().put("maxAttempts", 1));
    bed.start(List.of(bed.tenant(TENANT, RunningGateway.PHONE_NUMBER_ID, llm), bed.tenant(OTHER, OTHER_PHONE_ID, other)),
        new JsonObject().put("memory", new JsonObject().put("databaseUrl", Pglite.url()).put("poolSize", 1)));
  }

  @AfterAll
  static void stop() {
    if (bed != null) {
      bed.close();
    }
  }

  private static String inbound(String from, String text) {
    return bed.inbound(TENANT, RunningGateway.PHONE_NUMBER_ID, from, text);
  }

  private static FakeModel.Call awaitChat(String text) {
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> !bed.model.chatsAbout(text).isEmpty());
    return bed.model.chatsAbout(text).get(0);
  }

  private static void awaitSent(String phone, String text) {
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> bed.textsTo(phone).contains(text));
  }

  private static HttpResponse<String> get(String path, String tenant) {
    return bed.gw.get(path, "Authorization", "Bearer " + LlmTestbed.apiKey(tenant));
  }

  private static HttpResponse<String> post(String path, String tenant, JsonObject body) {
    return bed.gw.postJson(path, body.encode(), "Authorization", "Bearer " + LlmTestbed.apiKey(tenant));
  }

  /** The outcomes of the tenant's model calls for one message and purpose, in order. */
  private static List<String> aiRequests(long messageId, String purpose) {
    List<String> row = TestDatabase.row("SELECT string_agg(outcome, ',' ORDER BY id) FROM ai_requests "
        + "WHERE message_id = ? AND purpose = ?", messageId, purpose);
    return row == null || row.get(0) == null ? List.of() : List.of(row.get(0).split(","));
  }

  @Test
  void aWhatsAppMessageReachesTheModelItsAnswerIsSentAsAReplyAndTheCallIsRecorded() {
    String customer = LlmTestbed.phone();
    String text = "Hello, is my order on its way?";
    String wamid = inbound(customer, text);

    FakeModel.Call call = awaitChat(text);
    assertThat(call.authorization()).isEqualTo("Bearer " + MODEL_KEY);
    assertThat(call.body().getString("model")).isEqualTo(LlmTestbed.MODEL);
    assertThat(call.body().getDouble("temperature")).isEqualTo(0.2);
    assertThat(call.body().getInteger("max_tokens")).isEqualTo(300);
    assertThat(call.body().getBoolean("stream")).isFalse();
    assertThat(call.messages()).first().satisfies(m -> {
      assertThat(m.getString("role")).isEqualTo("system");
      assertThat(m.getString("content")).isEqualTo(SYSTEM); // a new contact: no memories
    });
    assertThat(call.messages()).last().isEqualTo(new JsonObject().put("role", "user").put("content", text));

    awaitSent(customer, "You said: " + text);
    assertThat(bed.sendsTo(customer).get(0).json().getJsonObject("context").getString("message_id")).isEqualTo(wamid);

    long id = LlmTestbed.messageId(TENANT, wamid);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> aiRequests(id, "chat").equals(List.of("ok")));
    List<String> row = TestDatabase.row("SELECT model, prompt_tokens, completion_tokens, cost::text, contact_id, "
        + "conversation_id, latency_ms, http_status FROM ai_requests WHERE tenant_id = ? AND message_id = ? "
        + "AND purpose = 'chat'", TENANT, id);
    assertThat(row.get(0)).isEqualTo(LlmTestbed.MODEL);
    int prompt = Integer.parseInt(row.get(1));
    int completion = Integer.parseInt(row.get(2));
    int expectedPrompt = call.messages().stream().mapToInt(m -> (m.getString("content").length() + 3) / 4 + 4).sum();
    assertThat(prompt).as("the provider's usage.prompt_tokens").isEqualTo(expectedPrompt);
    assertThat(completion).as("the provider's usage.completion_tokens").isEqualTo((("You said: " + text).length() + 3) / 4);
    assertThat(Double.parseDouble(row.get(3))).isCloseTo((prompt * 0.15 + completion * 0.6) / 1e6,
        org.assertj.core.data.Offset.offset(1e-12));
    assertThat(row.get(4)).isNotNull();
    assertThat(row.get(7)).isEqualTo("200");
    assertThat(aiRequests(id, "embedding")).containsExactly("ok");

    // the reads below are compared with each other, and the model calls that follow the reply (memory
    // extraction) can be recorded between two of them: read again until one round agrees
    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      JsonObject byModel = new JsonObject(get("/v1/usage?groupBy=model", TENANT).body());
      JsonObject model = byModel.getJsonArray("data").stream().map(JsonObject.class::cast)
          .filter(d -> LlmTestbed.MODEL.equals(d.getString("model"))).findFirst().orElseThrow();
      assertThat(model.getLong("requests")).isPositive();
      assertThat(model.getLong("promptTokens")).isGreaterThanOrEqualTo(prompt);
      assertThat(model.getLong("totalTokens")).isEqualTo(model.getLong("promptTokens") + model.getLong("completionTokens"));
      assertThat(new java.math.BigDecimal(model.getString("cost"))).isPositive();
      JsonObject byContact = new JsonObject(get("/v1/usage?groupBy=contact", TENANT).body());
      assertThat(byContact.getJsonArray("data").stream().map(JsonObject.class::cast).map(d -> d.getString("contact")))
          .contains(LlmTestbed.contactOf(TENANT, wamid));
      String today = LocalDate.now(ZoneOffset.UTC).toString();
      JsonObject byDay = new JsonObject(get("/v1/usage?from=" + today + "&to=" + today, TENANT).body());
      assertThat(byDay.getString("groupBy")).isEqualTo("day");
      assertThat(byDay.getJsonArray("data").getJsonObject(0).getString("day")).isEqualTo(today);
      assertThat(byDay.getJsonObject("total").getLong("requests")).isEqualTo(byModel.getJsonObject("total").getLong("requests"));
      assertThat(new JsonObject(get("/v1/usage?groupBy=model", OTHER).body()).getJsonArray("data").stream()
          .map(JsonObject.class::cast).mapToLong(d -> d.getLong("promptTokens")).sum())
          .as("another tenant's usage is its own").isLessThan(model.getLong("promptTokens"));
    });
    assertThat(get("/v1/usage?groupBy=week", TENANT).statusCode()).isEqualTo(400);

    String metrics = bed.gw.get("/metrics").body();
    List<PrometheusText.Sample> samples = PrometheusText.parse(metrics);
    assertThat(PrometheusText.sum(samples, "switchboard_llm_requests_total",
        java.util.Map.of("model", LlmTestbed.MODEL, "outcome", "ok", "tenant", TENANT))).isPositive();
    assertThat(PrometheusText.sum(samples, "switchboard_llm_tokens_total",
        java.util.Map.of("kind", "completion", "model", LlmTestbed.MODEL, "tenant", TENANT))).isPositive();
    assertThat(metrics).contains("switchboard_llm_latency_seconds_bucket{");
  }

  @Test
  void theConversationsLastMessagesBothDirectionsAreInThePromptOldestFirst() {
    String customer = LlmTestbed.phone();
    inbound(customer, "My order number is 4411.");
    awaitSent(customer, "You said: My order number is 4411.");
    FakeModel.Call second = awaitChat(bedInbound(customer, "When will it arrive?"));
    assertThat(second.messages()).extracting(m -> m.getString("role") + ": " + m.getString("content")).containsExactly(
        "system: " + SYSTEM,
        "user: My order number is 4411.",
        "assistant: You said: My order number is 4411.",
        "user: When will it arrive?");
  }

  private static String bedInbound(String customer, String text) {
    inbound(customer, text);
    return text;
  }

  @Test
  void memoriesStoredByApiAreSearchedWithScoresGoIntoThatContactsPromptOnlyAndCanBeDeleted() {
    String customer = LlmTestbed.phone();
    String first = inbound(customer, "Hi there");
    awaitSent(customer, "You said: Hi there");
    String contact = LlmTestbed.contactOf(TENANT, first);
    String path = "/v1/contacts/" + contact + "/memories";

    HttpResponse<String> rex = post(path, TENANT, new JsonObject().put("content", "The customer's dog is called Rex")
        .put("importance", 0.9).put("category", "pets"));
    assertThat(rex.statusCode()).as(rex.body()).isEqualTo(201);
    JsonObject stored = new JsonObject(rex.body());
    assertThat(stored.getString("id")).startsWith("mem_");
    assertThat(stored.getString("contactId")).isEqualTo(contact);
    assertThat(stored.getString("source")).isEqualTo("manual");
    assertThat(stored.getDouble("importance")).isEqualTo(0.9);
    assertThat(post(path, TENANT, new JsonObject().put("content", "The customer prefers window seats")).statusCode())
        .isEqualTo(201);
    assertThat(post(path, TENANT, new JsonObject().put("importance", 2)).statusCode()).isEqualTo(400);

    JsonObject found = new JsonObject(get(path + "?q=" + java.net.URLEncoder.encode("What is my dog's name?",
        java.nio.charset.StandardCharsets.UTF_8) + "&minScore=0.1", TENANT).body());
    JsonArray hits = found.getJsonArray("data");
    assertThat(hits).hasSize(1);
    assertThat(hits.getJsonObject(0).getString("content")).isEqualTo("The customer's dog is called Rex");
    assertThat(hits.getJsonObject(0).getDouble("score")).isBetween(0.1, 1.0);
    JsonArray all = new JsonObject(get(path + "?q=customer", TENANT).body()).getJsonArray("data");
    assertThat(all).hasSize(2);
    assertThat(all.getJsonObject(0).getDouble("score")).isGreaterThanOrEqualTo(all.getJsonObject(1).getDouble("score"));
    JsonObject list = new JsonObject(get(path, TENANT).body());
    assertThat(list.getJsonArray("data").stream().map(JsonObject.class::cast).map(m -> m.getString("content")))
        .containsExactly("The customer prefers window seats", "The customer's dog is called Rex");

    FakeModel.Call asked = awaitChat(bedInbound(customer, "What is my dog's name?"));
    assertThat(FakeModel.system(asked)).startsWith(SYSTEM)
        .contains("What you know about this contact").contains("- The customer's dog is called Rex")
        .doesNotContain("window seats");

    String stranger = LlmTestbed.phone();
    String strangers = inbound(stranger, "Is my dog's name in your notes?");
    assertThat(FakeModel.system(awaitChat("Is my dog's name in your notes?"))).isEqualTo(SYSTEM);
    assertThat(new JsonObject(get("/v1/contacts/" + LlmTestbed.contactOf(TENANT, strangers) + "/memories", TENANT)
        .body()).getJsonArray("data")).isEmpty();

    HttpResponse<String> foreign = get(path, OTHER);
    assertThat(foreign.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(foreign.body()).getJsonObject("error").getString("code")).isEqualTo("not_found");
    assertThat(post(path, OTHER, new JsonObject().put("content", "planted")).statusCode()).isEqualTo(404);
    assertThat(bed.gw.delete(path + "/" + stored.getString("id"), "Authorization", "Bearer " + LlmTestbed.apiKey(OTHER))
        .statusCode()).isEqualTo(404);
    assertThat(get("/v1/contacts/ct_zzzzzzz/memories", TENANT).statusCode()).isEqualTo(404);

    String auth = "Bearer " + LlmTestbed.apiKey(TENANT);
    assertThat(bed.gw.delete(path + "/" + stored.getString("id"), "Authorization", auth).statusCode()).isEqualTo(204);
    assertThat(bed.gw.delete(path + "/" + stored.getString("id"), "Authorization", auth).statusCode()).isEqualTo(404);
    assertThat(new JsonObject(get(path, TENANT).body()).getJsonArray("data")).hasSize(1);
    assertThat(FakeModel.system(awaitChat(bedInbound(customer, "Do you remember my dog?")))).isEqualTo(SYSTEM);
  }

  @Test
  void factsOfAnAnsweredTurnAreExtractedAndRememberedForThatContact() {
    String customer = LlmTestbed.phone();
    String wamid = inbound(customer, "I have a dog, his name is Max");
    String path = "/v1/contacts/" + LlmTestbed.contactOf(TENANT, wamid) + "/memories";
    Awaitility.await().atMost(Duration.ofSeconds(15))
        .until(() -> !new JsonObject(get(path, TENANT).body()).getJsonArray("data").isEmpty());
    JsonObject memory = new JsonObject(get(path, TENANT).body()).getJsonArray("data").getJsonObject(0);
    assertThat(memory.getString("content")).isEqualTo("The customer has a dog called Max");
    assertThat(memory.getString("source")).isEqualTo("chat");
    assertThat(memory.getString("category")).isEqualTo("pets");
    assertThat(memory.getDouble("importance")).isEqualTo(0.8);
    FakeModel.Call extraction = bed.model.chats().stream().filter(c -> FakeModel.system(c).startsWith(EXTRACTION)
        && FakeModel.lastUser(c).contains("his name is Max")).findFirst().orElseThrow();
    assertThat(FakeModel.lastUser(extraction))
        .isEqualTo("Customer: I have a dog, his name is Max\nAssistant: You said: I have a dog, his name is Max");
    long id = LlmTestbed.messageId(TENANT, wamid);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> aiRequests(id, "extraction").equals(List.of("ok")));

    // the same fact again is not stored twice
    inbound(customer, "Again: I have a dog, his name is Max");
    awaitSent(customer, "You said: Again: I have a dog, his name is Max");
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> bed.model.chats().stream().filter(c ->
        FakeModel.lastUser(c).startsWith("Customer: Again")).count() == 1);
    Awaitility.await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(3))
        .until(() -> new JsonObject(get(path, TENANT).body()).getJsonArray("data").size() == 1);
    FakeModel.Call next = awaitChat(bedInbound(customer, "What is my dog called?"));
    assertThat(FakeModel.system(next)).contains("- The customer has a dog called Max");
  }

  @Test
  void aModelThatTimesOutOnEveryAttemptGetsTheFallbackReplyAndTheTimeoutsAreRecorded() {
    String customer = LlmTestbed.phone();
    String text = "Tell me something slow";
    bed.model.script(text, Reply.hang(), Reply.hang());
    String wamid = inbound(customer, text);
    awaitSent(customer, FALLBACK);
    assertThat(bed.model.chatsAbout(text)).hasSize(2);
    long id = LlmTestbed.messageId(TENANT, wamid);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> aiRequests(id, "chat").equals(List.of("timeout", "timeout")));
    // the run's rows are written as it settles, which can be after its reply was seen sent
    Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50)).untilAsserted(() -> {
      assertThat(TestDatabase.number("SELECT count(*) FROM plugin_runs WHERE tenant_id = ? AND message_id = ? "
          + "AND outcome = 'retry' AND error LIKE 'timeout:%'", TENANT, id)).isEqualTo(1);
      assertThat(TestDatabase.number("SELECT count(*) FROM plugin_runs WHERE tenant_id = ? AND message_id = ? "
          + "AND outcome = 'reply'", TENANT, id)).isEqualTo(1);
    });
    assertThat(bed.textsTo(customer)).containsExactly(FALLBACK);
  }

  @Test
  void a429IsRetriedAfterItsRetryAfterAndThenAnswered() {
    String customer = LlmTestbed.phone();
    String text = "Are you busy?";
    bed.model.script(text, Reply.rateLimited(1));
    String wamid = inbound(customer, text);
    awaitSent(customer, "You said: " + text);
    List<FakeModel.Call> calls = bed.model.chatsAbout(text);
    assertThat(calls).hasSize(2);
    assertThat(TimeUnit.NANOSECONDS.toMillis(calls.get(1).atNanos() - calls.get(0).atNanos()))
        .as("waited for Retry-After: 1").isGreaterThanOrEqualTo(950);
    long id = LlmTestbed.messageId(TENANT, wamid);
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> aiRequests(id, "chat").equals(List.of("rate_limited", "ok")));
    assertThat(TestDatabase.row("SELECT http_status, error FROM ai_requests WHERE tenant_id = ? AND message_id = ? "
        + "AND outcome = 'rate_limited'", TENANT, id)).containsExactly("429",
        "http_429 rate_limit_exceeded: Rate limit reached for gpt-4o-mini in organization org-test on requests per min "
            + "(RPM): Limit 3, Used 3, Requested 1. Please try again in 1s.");
    assertThat(bed.textsTo(customer)).containsExactly("You said: " + text);
  }

  @Test
  void aRefusedCallWithoutFallbackIsADeadLetterTheMessageStaysStoredAndTheKeyIsNeverKept() {
    String customer = LlmTestbed.phone();
    String wamid = bed.inbound(OTHER, OTHER_PHONE_ID, customer, "Hello?");
    long id = TestDatabase.number("SELECT id FROM messages WHERE tenant_id = ? AND platform_message_id = ?", OTHER, wamid);
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> TestDatabase.number(
        "SELECT count(*) FROM dead_letters WHERE tenant_id = ? AND message_id = ?", OTHER, id) == 1);
    List<String> row = TestDatabase.row("SELECT outcome, http_status, error FROM ai_requests WHERE tenant_id = ? "
        + "AND message_id = ? AND purpose = 'chat'", OTHER, id);
    assertThat(row).containsExactly("client_error", "401",
        "http_401 invalid_api_key: Incorrect API key provided. You can find your API key in your account settings.");
    assertThat(TestDatabase.number("SELECT count(*) FROM ai_requests WHERE error LIKE '%sk-wrong-key%'")).isZero();
    assertThat(TestDatabase.number("SELECT count(*) FROM dead_letters WHERE error_detail LIKE '%sk-wrong-key%' "
        + "OR error_code LIKE '%sk-wrong-key%'")).isZero();
    assertThat(TestDatabase.row("SELECT text, direction FROM messages WHERE id = ?", id)).containsExactly("Hello?", "inbound");
  }
}
