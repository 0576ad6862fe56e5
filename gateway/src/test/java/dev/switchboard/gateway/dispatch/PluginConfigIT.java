package dev.switchboard.gateway.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.Gateway;
import dev.switchboard.gateway.StartupException;
import dev.switchboard.gateway.testing.RunningGateway;
import dev.switchboard.gateway.testing.TestBot;
import dev.switchboard.gateway.testing.TestDatabase;
import dev.switchboard.gateway.testing.WhatsApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A tenant's plugin chain is checked before anything runs: at start-up a bad entry fails the start
 * with one line naming the tenant's key, the plugin and the field; on a hot reload a bad change is
 * refused and the old chain keeps working, while a good change takes effect without a restart.
 */
class PluginConfigIT {
  private static final String TENANT = "plugin-config-it";
  private static final AtomicLong IDS = new AtomicLong(System.currentTimeMillis());

  private static JsonObject config(JsonArray plugins) {
    return new JsonObject()
        .put("http", new JsonObject().put("port", RunningGateway.freePort()))
        .put("database", new JsonObject().put("url", TestDatabase.url().withCredentials()))
        .put("dataDir", Path.of("target", "gateway-data").toString())
        .put("tenants", new JsonArray().add(RunningGateway.tenantConfig(TENANT, 1000, 1000).put("plugins", plugins)));
  }

  private static String startFailure(JsonArray plugins) {
    try {
      Gateway.start(null, config(plugins), Map.of("SWITCHBOARD_MASTER_KEY", "test-master-key-0123456789")).close();
    } catch (StartupException e) {
      return e.getMessage();
    }
    throw new AssertionError("the gateway started with a bad plugin chain");
  }

  @Test
  void aBadChainEntryFailsTheStartNamingTheTenantKeyPluginAndField() {
    assertThat(startFailure(new JsonArray().add(new JsonObject().put("type", "echo-bot"))))
        .contains("tenants[0].plugins[0].type").contains("echo-bot").contains("forward");
    assertThat(startFailure(new JsonArray().add(new JsonObject().put("type", "forward").put("secret", "s3cret-s3cret"))))
        .contains("tenants[0].plugins[0].url").contains("required");
    assertThat(startFailure(new JsonArray().add(new JsonObject().put("type", "forward").put("url", "ftp://bot.example")
        .put("secret", "s3cret-s3cret")))).contains("tenants[0].plugins[0].url").contains("http");
    assertThat(startFailure(new JsonArray().add(new JsonObject().put("type", "auto-reply")
        .put("rules", new JsonArray().add(new JsonObject().put("match", "(unclosed").put("reply", "x"))))))
        .contains("tenants[0].plugins[0].rules[0].match").contains("auto-reply");
    assertThat(startFailure(new JsonArray().add(new JsonObject().put("type", "forward").put("url", "https://bot.example")
        .put("secret", "s3cret-s3cret").put("colour", "red")))).contains("tenants[0].plugins[0].colour");
    assertThat(startFailure(new JsonArray().add(new JsonObject().put("type", "forward").put("url", "https://bot.example")
        .put("secret", "s3cret-s3cret").put("timeout", "10 seconds")))).contains("tenants[0].plugins[0].timeout");
  }

  @Test
  void aBadReloadKeepsTheOldChainAndAGoodOneTakesEffect() throws Exception {
    byte[] key = "plugin-config-it-signing-key-01".getBytes(StandardCharsets.UTF_8);
    try (TestBot bot = new TestBot(key)) {
      JsonArray chain = new JsonArray().add(new JsonObject().put("type", "forward").put("url", bot.url())
          .put("secret", new String(key, StandardCharsets.UTF_8)));
      Path file = Files.createTempFile(Path.of("target"), "plugin-config-it", ".json");
      Files.writeString(file, config(chain).encodePrettily());
      Gateway gateway = Gateway.start(file, null, Map.of("SWITCHBOARD_MASTER_KEY", "test-master-key-0123456789"));
      try {
        String first = post(gateway, "before the reload");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> bot.eventsFor(first).size() == 1);

        JsonObject bad = config(new JsonArray().add(new JsonObject().put("type", "forward").put("url", "not a url")
            .put("secret", "x")));
        bad.put("http", new JsonObject().put("port", gateway.port()));
        Files.writeString(file, bad.encodePrettily());
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> reloads(gateway, "refused") >= 1);
        String second = post(gateway, "after a bad reload");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> bot.eventsFor(second).size() == 1);

        JsonObject good = config(new JsonArray()
            .add(new JsonObject().put("type", "auto-reply").put("rules", new JsonArray()
                .add(new JsonObject().put("match", ".").put("reply", "auto"))))
            .addAll(chain));
        good.put("http", new JsonObject().put("port", gateway.port()));
        Files.writeString(file, good.encodePrettily());
        // probes, one at a time: once a probe has gone through a chain, either the new one (auto-reply ran
        // on it: done) or still the old one (a new probe is posted); plain queries, no await nested in the await
        AtomicReference<String> probe = new AtomicReference<>();
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
            .until(() -> {
              String p = probe.get();
              if (p != null && TestDatabase.number("SELECT count(*) FROM plugin_runs r JOIN messages m "
                  + "ON m.id = r.message_id WHERE m.platform_message_id = ?", p) < 1) {
                return false; // not through a chain yet
              }
              if (p != null && TestDatabase.number("SELECT count(*) FROM plugin_runs r JOIN messages m "
                  + "ON m.id = r.message_id WHERE m.platform_message_id = ? AND r.plugin = 'auto-reply'", p) == 1) {
                return true;
              }
              probe.set(post(gateway, "probe"));
              return false;
            });
      } finally {
        gateway.close();
      }
    }
  }

  private static double reloads(Gateway gateway, String outcome) throws Exception {
    var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
        java.net.URI.create("http://127.0.0.1:" + gateway.port() + "/metrics")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    return dev.switchboard.gateway.testing.PrometheusText.sum(dev.switchboard.gateway.testing.PrometheusText.parse(
        response.body()), "switchboard_config_reloads_total", Map.of("outcome", outcome));
  }

  private static String post(Gateway gateway, String text) {
    String wamid = "wamid.PC" + IDS.incrementAndGet();
    String from = Long.toString(4_930_000_000_000L + IDS.get() % 1_000_000L);
    byte[] body = WhatsApp.text(RunningGateway.PHONE_NUMBER_ID, from, "Ada", wamid, System.currentTimeMillis() / 1000,
        text).getBytes(StandardCharsets.UTF_8);
    try {
      var request = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + gateway.port()
              + "/webhooks/whatsapp/" + TENANT))
          .header("Content-Type", "application/json")
          .header("X-Hub-Signature-256", WhatsApp.sign(body, RunningGateway.APP_SECRET))
          .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body)).build();
      var response = java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return wamid;
  }
}
