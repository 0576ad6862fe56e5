package dev.switchboard.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.security.ApiKeys;
import dev.switchboard.gateway.testing.RunningGateway;
import dev.switchboard.gateway.testing.TestDatabase;
import dev.switchboard.gateway.testing.WhatsApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The admin API's tenants and API keys against the real gateway and PostgreSQL: CRUD in the config
 * file's shape, write-only secrets, 409 for the file's tenants, webhooks of a created tenant at once
 * and none after its delete, key rotation and isolation between tenants.
 */
class AdminTenantsIT {
  private static final String ADMIN = "admin-token-adm-0123456789";
  private static final String CONFIG_TENANT = "adm-config";
  private static final String PHONE = "106540352249999";
  private static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis());
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static RunningGateway gw;

  @BeforeAll
  static void start() {
    // each key's last use is written every second here (a minute by default)
    System.setProperty("switchboard.apiKeys.usageInterval", "PT1S");
    cleanUp();
    gw = startGateway();
  }

  private static RunningGateway startGateway() {
    return RunningGateway.start(List.of(RunningGateway.tenantConfig(CONFIG_TENANT, 1000, 1000)), new JsonObject()
        .put("admin", new JsonObject().put("token", ADMIN))
        .put("http", new JsonObject().put("authFailureLimit", 100_000)));
  }

  @AfterAll
  static void stop() {
    System.clearProperty("switchboard.apiKeys.usageInterval");
    if (gw != null) {
      gw.close();
    }
    cleanUp();
  }

  /** Tenants of earlier runs (the test database is shared and kept). */
  private static void cleanUp() {
    for (String t : List.of("adm-crud", "adm-masked", "adm-keep", "adm-keys-a", "adm-keys-b", "adm-restart",
        "adm-bad", "adm-dup")) {
      TestDatabase.number("SELECT count(*) FROM (SELECT delete_tenant(?)) d", t);
    }
  }

  // --- helpers ---

  private static HttpResponse<String> call(String method, String path, String body, String authorization) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.base() + path)).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    try {
      return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static HttpResponse<String> admin(String method, String path, JsonObject body) {
    return call(method, path, body == null ? null : body.encode(), "Bearer " + ADMIN);
  }

  private static HttpResponse<String> withKey(String key) {
    return call("GET", "/v1/usage", null, "Bearer " + key);
  }

  private static JsonObject json(HttpResponse<String> r) {
    return new JsonObject(r.body());
  }

  private static void assertError(HttpResponse<String> r, int status, String code, String messagePart) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonObject error = json(r).getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo(code);
    assertThat(error.getString("message")).contains(messagePart).doesNotContain("Exception");
  }

  private static JsonObject tenant(String id, String appSecret) {
    return new JsonObject().put("id", id).put("name", "Tenant " + id)
        .put("limits", new JsonObject().put("inbound", new JsonObject().put("perSecond", 500).put("burst", 600)))
        .put("takeover", new JsonObject().put("autoResumeAfter", "PT30M"))
        .put("timezone", "Europe/Lisbon")
        .put("channels", new JsonObject().put("whatsapp", new JsonObject()
            .put("phoneNumberId", PHONE).put("appSecret", appSecret).put("verifyToken", "verify-" + id)));
  }

  private static HttpResponse<String> webhook(String tenant, String appSecret, String wamid) {
    String body = WhatsApp.text(PHONE, "16505551234", "Kerry Fisher", wamid, 1_749_416_383L, "Hello from " + tenant);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return gw.post("/webhooks/whatsapp/" + tenant, bytes, "application/json", WhatsApp.sign(bytes, appSecret));
  }

  private static String wamid() {
    return "wamid.HBgLMTU1NTAwMDAwMDAVAgASGBQzQTkADM" + IDS.incrementAndGet();
  }

  private static long stored(String tenant, String wamid) {
    return TestDatabase.number("SELECT count(*) FROM messages WHERE tenant_id = ? AND platform_message_id = ?",
        tenant, wamid);
  }

  // --- tenants ---

  @Test
  void aCreatedTenantReceivesWebhooksAtOnceAndAfterItsDeleteTheyAnswer404() {
    HttpResponse<String> created = admin("POST", "/admin/tenants", tenant("adm-crud", "crud-app-secret-0123456789"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    JsonObject doc = json(created);
    assertThat(doc.getString("id")).isEqualTo("adm-crud");
    assertThat(doc.getString("managedBy")).isEqualTo("api");
    assertThat(doc.getString("timezone")).isEqualTo("Europe/Lisbon");
    assertThat(doc.getJsonObject("limits").getJsonObject("inbound").getInteger("perSecond")).isEqualTo(500);
    assertThat(doc.getJsonObject("takeover").getString("autoResumeAfter")).isEqualTo("PT30M");

    String first = wamid();
    HttpResponse<String> hook = webhook("adm-crud", "crud-app-secret-0123456789", first);
    assertThat(hook.statusCode()).as(hook.body()).isEqualTo(200);
    assertThat(stored("adm-crud", first)).isEqualTo(1);

    assertThat(admin("GET", "/admin/tenants/adm-crud", null).statusCode()).isEqualTo(200);
    assertThat(json(admin("GET", "/admin/tenants", null)).getJsonArray("tenants").stream()
        .map(t -> ((JsonObject) t).getString("id"))).contains("adm-crud", CONFIG_TENANT);

    HttpResponse<String> deleted = admin("DELETE", "/admin/tenants/adm-crud", null);
    assertThat(deleted.statusCode()).as(deleted.body()).isEqualTo(204);
    assertError(webhook("adm-crud", "crud-app-secret-0123456789", wamid()), 404, "not_found", "");
    assertError(admin("GET", "/admin/tenants/adm-crud", null), 404, "not_found", "no such tenant");
    assertThat(stored("adm-crud", first)).as("its messages are deleted with it").isZero();
    assertThat(TestDatabase.number("SELECT count(*) FROM tenants WHERE id = 'adm-crud'")).isZero();
  }

  @Test
  void secretsAreMaskedInEveryAnswerAndNotStoredInClear() {
    String appSecret = "masked-app-secret-0123456789";
    String botSecret = "masked-bot-secret-0123456789";
    String apiKey = "masked-tenant-api-key-0123456789";
    JsonObject body = tenant("adm-masked", appSecret)
        .put("apiKeys", new JsonArray().add(apiKey))
        .put("plugins", new JsonArray().add(new JsonObject().put("type", "forward")
            .put("url", "http://127.0.0.1:9/bot").put("secret", botSecret).put("maxAttempts", "1")));
    HttpResponse<String> created = admin("POST", "/admin/tenants", body);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    HttpResponse<String> key = admin("POST", "/admin/tenants/adm-masked/api-keys", null);
    String generated = json(key).getString("key");

    List<HttpResponse<String>> answers = List.of(created, admin("GET", "/admin/tenants/adm-masked", null),
        admin("GET", "/admin/tenants", null), admin("PUT", "/admin/tenants/adm-masked", json(created)),
        admin("GET", "/admin/tenants/adm-masked/api-keys", null));
    for (HttpResponse<String> a : answers) {
      assertThat(a.statusCode()).as(a.body()).isLessThan(300);
      assertThat(a.body()).doesNotContain(appSecret, botSecret, apiKey, "verify-adm-masked", generated,
          ApiKeys.hash(generated), ApiKeys.hash(apiKey));
    }
    JsonObject doc = json(answers.get(1));
    JsonObject wa = doc.getJsonObject("channels").getJsonObject("whatsapp");
    assertThat(wa.getString("appSecret")).isEqualTo("***");
    assertThat(wa.getString("verifyToken")).isEqualTo("***");
    assertThat(wa.getString("phoneNumberId")).isEqualTo(PHONE);
    JsonObject forward = doc.getJsonArray("plugins").getJsonObject(0);
    assertThat(forward.getString("secret")).isEqualTo("***");
    assertThat(forward.getString("url")).isEqualTo("http://127.0.0.1:9/bot");
    assertThat(doc.getJsonArray("apiKeys")).containsExactly("***");

    // nothing of the tenant's rows holds a secret in clear
    String rows = String.join("|", List.of(
        String.valueOf(TestDatabase.row("SELECT t::text FROM tenants t WHERE id = 'adm-masked'")),
        String.valueOf(TestDatabase.row("SELECT a::text FROM channel_accounts a WHERE tenant_id = 'adm-masked'")),
        String.valueOf(TestDatabase.row("SELECT string_agg(k::text, '|') FROM api_keys k WHERE tenant_id = 'adm-masked'"))));
    assertThat(rows).contains("adm-masked").doesNotContain(appSecret, botSecret, apiKey, generated,
        "verify-adm-masked");
    assertThat(rows).contains(ApiKeys.hash(apiKey));

    // the tenant key given in the body works, as a config file key does
    assertThat(withKey(apiKey).statusCode()).isEqualTo(200);
    assertThat(withKey("key-" + CONFIG_TENANT + "-0123456789abcdef").statusCode()).isEqualTo(200);
  }

  @Test
  void aPutWithMaskedSecretsKeepsThemAndANewSecretTakesEffectAtOnce() {
    String secret = "keep-app-secret-0123456789";
    assertThat(admin("POST", "/admin/tenants", tenant("adm-keep", secret)).statusCode()).isEqualTo(201);
    JsonObject shown = json(admin("GET", "/admin/tenants/adm-keep", null));

    HttpResponse<String> renamed = admin("PUT", "/admin/tenants/adm-keep", shown.copy().put("name", "Renamed"));
    assertThat(renamed.statusCode()).as(renamed.body()).isEqualTo(200);
    assertThat(json(renamed).getString("name")).isEqualTo("Renamed");
    assertThat(webhook("adm-keep", secret, wamid()).statusCode()).as("the stored secret is kept").isEqualTo(200);

    JsonObject changed = shown.copy();
    changed.getJsonObject("channels").getJsonObject("whatsapp").put("appSecret", "new-app-secret-0123456789");
    assertThat(admin("PUT", "/admin/tenants/adm-keep", changed).statusCode()).isEqualTo(200);
    assertThat(webhook("adm-keep", secret, wamid()).statusCode()).as("the old secret no longer signs").isEqualTo(401);
    String id = wamid();
    assertThat(webhook("adm-keep", "new-app-secret-0123456789", id).statusCode()).isEqualTo(200);
    assertThat(stored("adm-keep", id)).isEqualTo(1);

    JsonObject otherId = shown.copy().put("id", "adm-other");
    assertError(admin("PUT", "/admin/tenants/adm-keep", otherId), 400, "invalid_request", "id:");
  }

  @Test
  void validationErrorsNameTheFieldAsAtStartUp() {
    Map<String, String> counted = Map.of("route", "/admin/tenants", "status", "400");
    double errorsBefore = gw.metric("switchboard_http_errors_total", counted);
    JsonObject missing = tenant("adm-bad", "x-app-secret-0123456789");
    missing.getJsonObject("channels").getJsonObject("whatsapp").remove("appSecret");
    assertError(admin("POST", "/admin/tenants", missing), 400, "invalid_request", "channels.whatsapp.appSecret");

    JsonObject badLimit = tenant("adm-bad", "x-app-secret-0123456789");
    badLimit.getJsonObject("limits").getJsonObject("inbound").put("perSecond", 0);
    assertError(admin("POST", "/admin/tenants", badLimit), 400, "invalid_request", "limits.inbound.perSecond");

    JsonObject badPlugin = tenant("adm-bad", "x-app-secret-0123456789")
        .put("plugins", new JsonArray().add(new JsonObject().put("type", "forward")));
    assertError(admin("POST", "/admin/tenants", badPlugin), 400, "invalid_request", "plugins[0].url");

    JsonObject masked = tenant("adm-bad", "***");
    assertError(admin("POST", "/admin/tenants", masked), 400, "invalid_request", "channels.whatsapp.appSecret");

    assertError(admin("POST", "/admin/tenants", tenant("Bad Id", "x-app-secret-0123456789")), 400,
        "invalid_request", "id:");
    assertError(call("POST", "/admin/tenants", "{not json", "Bearer " + ADMIN), 400, "malformed_json", "JSON");
    assertError(call("POST", "/admin/tenants", "[1]", "Bearer " + ADMIN), 400, "invalid_request", "body");
    assertThat(TestDatabase.number("SELECT count(*) FROM tenants WHERE id = 'adm-bad'")).isZero();
    assertThat(gw.metric("switchboard_http_errors_total", counted) - errorsBefore).as("each bad call is counted")
        .isEqualTo(7);

    assertThat(admin("POST", "/admin/tenants", tenant("adm-dup", "dup-app-secret-0123456789")).statusCode()).isEqualTo(201);
    JsonObject bad = json(admin("GET", "/admin/tenants/adm-dup", null));
    bad.getJsonObject("takeover").put("autoResumeAfter", "two hours");
    assertError(admin("PUT", "/admin/tenants/adm-dup", bad), 400, "invalid_request", "takeover.autoResumeAfter");
  }

  @Test
  void theConfigFilesTenantsAreManagedByTheFile() {
    JsonObject shown = json(admin("GET", "/admin/tenants/" + CONFIG_TENANT, null));
    assertThat(shown.getString("managedBy")).isEqualTo("config");
    assertThat(shown.getJsonArray("apiKeys")).containsExactly("***");
    assertThat(shown.getJsonObject("channels").getJsonObject("whatsapp").getString("appSecret")).isEqualTo("***");
    assertThat(shown.encode()).doesNotContain(RunningGateway.APP_SECRET, RunningGateway.VERIFY_TOKEN);

    assertError(admin("PUT", "/admin/tenants/" + CONFIG_TENANT, shown.copy().put("name", "x")), 409,
        "managed_by_config", "config file");
    assertError(admin("DELETE", "/admin/tenants/" + CONFIG_TENANT, null), 409, "managed_by_config", "config file");
    assertError(admin("POST", "/admin/tenants", tenant(CONFIG_TENANT, "x-app-secret-0123456789")), 409,
        "tenant_exists", CONFIG_TENANT);
    assertThat(json(admin("GET", "/admin/tenants/" + CONFIG_TENANT, null)).getString("name"))
        .isEqualTo("Test " + CONFIG_TENANT);
  }

  @Test
  void unknownTenantsAnswer404OnEveryRoute() {
    JsonObject body = tenant("adm-nobody", "x-app-secret-0123456789");
    for (HttpResponse<String> r : List.of(admin("GET", "/admin/tenants/adm-nobody", null),
        admin("PUT", "/admin/tenants/adm-nobody", body), admin("DELETE", "/admin/tenants/adm-nobody", null),
        admin("POST", "/admin/tenants/adm-nobody/api-keys", null),
        admin("GET", "/admin/tenants/adm-nobody/api-keys", null),
        admin("DELETE", "/admin/tenants/adm-nobody/api-keys/key_1", null),
        admin("GET", "/admin/tenants/NOT%20AN%20ID", null))) {
      assertError(r, 404, "not_found", "no such");
    }
    assertThat(TestDatabase.number("SELECT count(*) FROM tenants WHERE id = 'adm-nobody'")).isZero();
  }

  @Test
  void everyRouteWantsTheAdminTokenAndCountsFailures() {
    String[][] routes = {{"GET", "/admin/tenants"}, {"POST", "/admin/tenants"}, {"GET", "/admin/tenants/" + CONFIG_TENANT},
        {"PUT", "/admin/tenants/" + CONFIG_TENANT}, {"DELETE", "/admin/tenants/" + CONFIG_TENANT},
        {"POST", "/admin/tenants/" + CONFIG_TENANT + "/api-keys"}, {"GET", "/admin/tenants/" + CONFIG_TENANT + "/api-keys"},
        {"DELETE", "/admin/tenants/" + CONFIG_TENANT + "/api-keys/key_1"}};
    Map<String, String> labels = Map.of("route", "/admin/tenants/{id}", "kind", "admin_token");
    double before = gw.metric("switchboard_auth_failures_total", labels);
    for (String[] route : routes) {
      String body = route[0].equals("POST") || route[0].equals("PUT") ? "{}" : null;
      assertError(call(route[0], route[1], body, null), 401, "unauthorized", "admin token");
      assertError(call(route[0], route[1], body, "Bearer wrong-" + ADMIN), 401, "unauthorized", "admin token");
      assertError(call(route[0], route[1], body, "Basic " + ADMIN), 401, "unauthorized", "admin token");
    }
    assertThat(gw.metric("switchboard_auth_failures_total", labels) - before).isEqualTo(9);
    assertThat(gw.metric("switchboard_auth_failures_total", Map.of("route", "/admin/tenants", "kind", "admin_token")))
        .isGreaterThanOrEqualTo(6);
    assertThat(admin("GET", "/admin/tenants/" + CONFIG_TENANT + "/api-keys", null).statusCode()).isEqualTo(200);
  }

  // --- API keys ---

  @Test
  void keysRotateWithoutDowntimeAndARevokedKeyIsRefusedAtOnce() {
    assertThat(admin("POST", "/admin/tenants", tenant("adm-keys-a", "a-app-secret-0123456789")).statusCode()).isEqualTo(201);
    HttpResponse<String> one = admin("POST", "/admin/tenants/adm-keys-a/api-keys", null);
    assertThat(one.statusCode()).as(one.body()).isEqualTo(201);
    JsonObject key1 = json(one);
    assertThat(key1.getString("key")).startsWith("sb_").hasSizeGreaterThanOrEqualTo(46);
    assertThat(key1.getString("id")).startsWith("key_");
    assertThat(key1.getString("createdAt")).isNotBlank();
    assertThat(withKey(key1.getString("key")).statusCode()).isEqualTo(200);

    JsonObject key2 = json(admin("POST", "/admin/tenants/adm-keys-a/api-keys", null));
    assertThat(key2.getString("key")).isNotEqualTo(key1.getString("key"));
    assertThat(withKey(key1.getString("key")).statusCode()).isEqualTo(200);
    assertThat(withKey(key2.getString("key")).statusCode()).isEqualTo(200);

    HttpResponse<String> revoked = admin("DELETE", "/admin/tenants/adm-keys-a/api-keys/" + key1.getString("id"), null);
    assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(204);
    assertError(withKey(key1.getString("key")), 401, "unauthorized", "API key");
    assertThat(withKey(key2.getString("key")).statusCode()).isEqualTo(200);

    // the list: ids and times, never a key or its hash; the last use is written within the interval
    Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
      JsonArray keys = json(admin("GET", "/admin/tenants/adm-keys-a/api-keys", null)).getJsonArray("apiKeys");
      assertThat(keys).hasSize(2);
      JsonObject second = keys.getJsonObject(0);
      JsonObject first = keys.getJsonObject(1);
      assertThat(second.getString("id")).isEqualTo(key2.getString("id"));
      assertThat(second.getString("lastUsedAt")).isNotNull();
      assertThat(second.getString("revokedAt")).isNull();
      assertThat(first.getString("id")).isEqualTo(key1.getString("id"));
      assertThat(first.getString("revokedAt")).isNotNull();
      assertThat(keys.encode()).doesNotContain(key1.getString("key"), key2.getString("key"),
          ApiKeys.hash(key2.getString("key")), "\"key\"");
    });
  }

  @Test
  void aTenantsKeysAreNeitherVisibleNorRevocableThroughAnotherTenantsPath() {
    assertThat(admin("POST", "/admin/tenants", tenant("adm-keys-b", "b-app-secret-0123456789")).statusCode()).isEqualTo(201);
    admin("POST", "/admin/tenants", tenant("adm-keys-a", "a-app-secret-0123456789")); // may exist (other test)
    JsonObject keyOfA = json(admin("POST", "/admin/tenants/adm-keys-a/api-keys", null));

    JsonArray ofB = json(admin("GET", "/admin/tenants/adm-keys-b/api-keys", null)).getJsonArray("apiKeys");
    assertThat(ofB.encode()).doesNotContain(keyOfA.getString("id"));
    HttpResponse<String> viaB = admin("DELETE", "/admin/tenants/adm-keys-b/api-keys/" + keyOfA.getString("id"), null);
    assertError(viaB, 404, "not_found", "no such API key");
    assertThat(viaB.body()).isEqualTo(admin("DELETE", "/admin/tenants/adm-keys-b/api-keys/key_zzzzzz", null).body());
    assertThat(withKey(keyOfA.getString("key")).statusCode()).as("still live").isEqualTo(200);
    assertThat(json(admin("GET", "/admin/tenants/adm-keys-a/api-keys", null)).getJsonArray("apiKeys").encode())
        .contains(keyOfA.getString("id"));
  }

  @Test
  void tenantsCreatedOverTheApiOutliveARestart() {
    assertThat(admin("POST", "/admin/tenants", tenant("adm-restart", "restart-app-secret-0123456789")).statusCode())
        .isEqualTo(201);
    String key = json(admin("POST", "/admin/tenants/adm-restart/api-keys", null)).getString("key");
    gw.close();
    gw = startGateway();

    JsonObject doc = json(admin("GET", "/admin/tenants/adm-restart", null));
    assertThat(doc.getString("managedBy")).isEqualTo("api");
    String id = wamid();
    assertThat(webhook("adm-restart", "restart-app-secret-0123456789", id).statusCode()).isEqualTo(200);
    assertThat(stored("adm-restart", id)).isEqualTo(1);
    assertThat(withKey(key).statusCode()).isEqualTo(200);
  }
}
