package dev.switchboard.gateway.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.testing.PrometheusText;
import dev.switchboard.gateway.testing.RunningGateway;
import dev.switchboard.gateway.testing.TestDatabase;
import dev.switchboard.gateway.testing.WhatsApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Tenants created over the admin API live beside the config file's: a hot reload of the file
 * neither removes nor changes them, and a tenant the file no longer defines is kept and from then
 * on managed over the API.
 */
class AdminTenantsReloadIT {
  private static final String ADMIN = "admin-token-reload-0123456789";
  private static final String PHONE = "106540352248888";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  private static JsonObject config(int port, String nameOfA, boolean withB) {
    JsonArray tenants = new JsonArray().add(RunningGateway.tenantConfig("adm-file-a", 1000, 1000).put("name", nameOfA));
    if (withB) {
      tenants.add(RunningGateway.tenantConfig("adm-file-b", 1000, 1000));
    }
    return new JsonObject()
        .put("http", new JsonObject().put("port", port))
        .put("database", new JsonObject().put("url", TestDatabase.url().withCredentials()))
        .put("dataDir", Path.of("target", "gateway-data").toString())
        .put("admin", new JsonObject().put("token", ADMIN))
        .put("tenants", tenants);
  }

  private static HttpResponse<String> call(int port, String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer " + ADMIN).timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aHotReloadKeepsTheApisTenantsAndHandsOverTheTenantsTheFileDropped() throws Exception {
    for (String t : List.of("adm-file-a", "adm-file-b", "adm-file-api")) {
      TestDatabase.number("SELECT count(*) FROM (SELECT delete_tenant(?)) d", t);
    }
    int port = RunningGateway.freePort();
    Path file = Files.createTempFile(Path.of("target"), "admin-reload-it", ".json");
    Files.writeString(file, config(port, "A", true).encodePrettily());
    Gateway gateway = Gateway.start(file, null, Map.of("SWITCHBOARD_MASTER_KEY", "test-master-key-0123456789"));
    try {
      JsonObject api = new JsonObject().put("id", "adm-file-api").put("name", "From the API")
          .put("channels", new JsonObject().put("whatsapp", new JsonObject().put("phoneNumberId", PHONE)
              .put("appSecret", "reload-app-secret-0123456789").put("verifyToken", "reload-verify")));
      assertThat(call(port, "POST", "/admin/tenants", api.encode()).statusCode()).isEqualTo(201);
      assertThat(new JsonObject(call(port, "GET", "/admin/tenants/adm-file-b", null).body()).getString("managedBy"))
          .isEqualTo("config");

      Files.writeString(file, config(port, "A renamed", false).encodePrettily());
      Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).until(() ->
          "A renamed".equals(new JsonObject(call(port, "GET", "/admin/tenants/adm-file-a", null).body()).getString("name")));
      assertThat(PrometheusText.sum(PrometheusText.parse(HTTP.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body()),
          "switchboard_config_reloads_total", Map.of("outcome", "applied"))).isGreaterThanOrEqualTo(1);

      JsonObject kept = new JsonObject(call(port, "GET", "/admin/tenants/adm-file-api", null).body());
      assertThat(kept.getString("name")).isEqualTo("From the API");
      assertThat(kept.getString("managedBy")).isEqualTo("api");
      byte[] hook = WhatsApp.text(PHONE, "16505551234", "Ada", "wamid.ADMRELOAD" + System.nanoTime(), 1_749_416_383L, "hi")
          .getBytes(StandardCharsets.UTF_8);
      HttpResponse<String> delivered = HTTP.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + port + "/webhooks/whatsapp/adm-file-api"))
          .header("Content-Type", "application/json")
          .header("X-Hub-Signature-256", WhatsApp.sign(hook, "reload-app-secret-0123456789"))
          .POST(HttpRequest.BodyPublishers.ofByteArray(hook)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(delivered.statusCode()).as(delivered.body()).isEqualTo(200);

      assertThat(call(port, "PUT", "/admin/tenants/adm-file-a", "{}").statusCode()).isEqualTo(409);
      JsonObject dropped = new JsonObject(call(port, "GET", "/admin/tenants/adm-file-b", null).body());
      assertThat(dropped.getString("managedBy")).as("no longer in the file: managed over the API").isEqualTo("api");
      assertThat(call(port, "DELETE", "/admin/tenants/adm-file-b", null).statusCode()).isEqualTo(204);
      assertThat(call(port, "GET", "/admin/tenants/adm-file-b", null).statusCode()).isEqualTo(404);
    } finally {
      gateway.close();
      for (String t : List.of("adm-file-a", "adm-file-api")) {
        TestDatabase.number("SELECT count(*) FROM (SELECT delete_tenant(?)) d", t);
      }
    }
  }
}
