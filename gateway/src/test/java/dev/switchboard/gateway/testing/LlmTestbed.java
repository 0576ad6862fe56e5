package dev.switchboard.gateway.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.api.Ids;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A gateway whose tenants answer WhatsApp customers with the {@code llm} plugin: a {@link FakeModel}
 * as the provider, a {@link FakePlatform} as the Graph API (every send accepted), and helpers to
 * send a customer's message and find what came of it.
 */
public final class LlmTestbed implements AutoCloseable {
  public static final String MODEL = "gpt-4o-mini";
  public static final String MESSAGES = "/v23.0/" + RunningGateway.PHONE_NUMBER_ID + "/messages";
  private static final AtomicLong PHONES = new AtomicLong(14_155_700_000L + System.currentTimeMillis() % 90_000L);
  private static final AtomicLong WAMIDS = new AtomicLong(System.currentTimeMillis());

  public final FakeModel model;
  public final FakePlatform graph = new FakePlatform();
  public RunningGateway gw;

  public LlmTestbed(String modelKey) {
    model = new FakeModel(modelKey, 1536);
    graph.on(MESSAGES, call -> new FakePlatform.Answer(200, new JsonObject().put("messaging_product", "whatsapp")
        .put("contacts", new JsonArray().add(new JsonObject().put("input", call.json().getString("to"))
            .put("wa_id", call.json().getString("to"))))
        .put("messages", new JsonArray().add(new JsonObject().put("id", "wamid.OUT" + WAMIDS.incrementAndGet())))));
  }

  /** A tenant with a WhatsApp account (sending to the fake Graph API) and this one plugin. */
  public JsonObject tenant(String id, String phoneNumberId, JsonObject plugin) {
    return new JsonObject().put("id", id).put("name", "LLM " + id)
        .put("apiKeys", new JsonArray().add(apiKey(id)))
        .put("channels", new JsonObject().put("whatsapp", new JsonObject()
            .put("phoneNumberId", phoneNumberId).put("appSecret", RunningGateway.APP_SECRET)
            .put("verifyToken", RunningGateway.VERIFY_TOKEN).put("accessToken", "EAAG-" + id + "-token-0123")
            .put("apiBaseUrl", graph.baseUrl() + "/v23.0")))
        .put("plugins", new JsonArray().add(plugin));
  }

  /** An {@code llm} chain entry calling the fake model; {@code extra} settings are merged in. */
  public JsonObject llm(String apiKey, JsonObject extra) {
    return new JsonObject().put("type", "llm").put("baseUrl", model.baseUrl()).put("apiKey", apiKey).put("model", MODEL)
        .mergeIn(extra);
  }

  /** Starts the gateway; {@code topLevel} is merged into the config (fast dispatch retries are added). */
  public LlmTestbed start(List<JsonObject> tenants, JsonObject topLevel) {
    JsonObject top = new JsonObject()
        .put("dispatch", new JsonObject().put("backoffBase", "PT0.1S").put("backoffMax", "PT0.3S"))
        .put("outbound", new JsonObject().put("pacing", new JsonObject().put("whatsapp", new JsonObject()
            .put("recipient", new JsonObject().put("perSecond", 100).put("burst", 100)))))
        .mergeIn(topLevel);
    gw = RunningGateway.start(tenants, top);
    return this;
  }

  public static String apiKey(String tenant) {
    return "key-" + tenant + "-0123456789abcdef";
  }

  public static String phone() {
    return Long.toString(PHONES.incrementAndGet());
  }

  /** A customer's text to {@code tenant} (its WhatsApp number {@code phoneNumberId}); returns its wamid. */
  public String inbound(String tenant, String phoneNumberId, String from, String text) {
    String wamid = "wamid.IN" + Long.toHexString(WAMIDS.incrementAndGet()).toUpperCase();
    byte[] body = WhatsApp.text(phoneNumberId, from, "Kerry Fisher", wamid, System.currentTimeMillis() / 1000, text)
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    HttpResponse<String> r = gw.post("/webhooks/whatsapp/" + tenant, body, "application/json",
        WhatsApp.sign(body, RunningGateway.APP_SECRET));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return wamid;
  }

  /** The texts the gateway sent to {@code phone} through the Graph API, in order. */
  public List<String> textsTo(String phone) {
    return graph.calls(MESSAGES).stream().filter(c -> phone.equals(c.json().getString("to")))
        .map(c -> c.json().getJsonObject("text").getString("body")).toList();
  }

  public List<FakePlatform.Call> sendsTo(String phone) {
    return graph.calls(MESSAGES).stream().filter(c -> phone.equals(c.json().getString("to"))).toList();
  }

  /** The database id of the stored message {@code wamid} of {@code tenant}. */
  public static long messageId(String tenant, String wamid) {
    return TestDatabase.number("SELECT id FROM messages WHERE tenant_id = ? AND platform_message_id = ?", tenant, wamid);
  }

  /** The API id ({@code ct_…}) of the contact who sent {@code wamid}. */
  public static String contactOf(String tenant, String wamid) {
    return Ids.CONTACT.format(TestDatabase.number(
        "SELECT contact_id FROM messages WHERE tenant_id = ? AND platform_message_id = ?", tenant, wamid));
  }

  @Override
  public void close() {
    if (gw != null) {
      gw.close();
    }
    model.close();
    graph.close();
  }
}
