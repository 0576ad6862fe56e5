package dev.switchboard.gateway.testing;

import dev.switchboard.gateway.Gateway;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * A real gateway started in this JVM against the test database, with one tenant that has a
 * WhatsApp account. Each test class uses its own tenant id, so tests never see each other's rows.
 */
public final class RunningGateway implements AutoCloseable {
  public static final String PHONE_NUMBER_ID = "106540352242922";
  public static final String APP_SECRET = "test-app-secret-0123456789";
  public static final String VERIFY_TOKEN = "test-verify-token";

  private final Gateway gateway;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  public final String tenant;

  private RunningGateway(Gateway gateway, String tenant) {
    this.gateway = gateway;
    this.tenant = tenant;
  }

  /** A gateway with tenant {@code tenant} (WhatsApp account; inbound limit as given). */
  public static RunningGateway start(String tenant, int perSecond, int burst) {
    return start(tenant, perSecond, burst, TestDatabase.url().withCredentials());
  }

  public static RunningGateway start(String tenant, int perSecond, int burst, String databaseUrl) {
    JsonObject config = new JsonObject()
        .put("http", new JsonObject().put("port", freePort()))
        .put("database", new JsonObject().put("url", databaseUrl))
        .put("dataDir", Path.of("target", "gateway-data").toString())
        .put("tenants", new JsonArray().add(tenantConfig(tenant, perSecond, burst)));
    Map<String, String> env = new HashMap<>();
    env.put("SWITCHBOARD_MASTER_KEY", "test-master-key-0123456789");
    return new RunningGateway(Gateway.start(null, config, env), tenant);
  }

  /**
   * A gateway with one tenant as given; {@code topLevel} entries (e.g. {@code admin},
   * {@code http.publicBaseUrl}) are merged into the config.
   */
  public static RunningGateway start(JsonObject tenantConfig, JsonObject topLevel) {
    return start(java.util.List.of(tenantConfig), topLevel);
  }

  /** A gateway with these tenants (the first is {@link #tenant}); {@code topLevel} as above. */
  public static RunningGateway start(java.util.List<JsonObject> tenantConfigs, JsonObject topLevel) {
    JsonObject tenantConfig = tenantConfigs.get(0);
    JsonObject http = new JsonObject().put("port", freePort());
    JsonObject config = new JsonObject()
        .put("database", new JsonObject().put("url", TestDatabase.url().withCredentials()))
        .put("dataDir", Path.of("target", "gateway-data").toString())
        .put("tenants", new JsonArray(new java.util.ArrayList<>(tenantConfigs)));
    topLevel.forEach(e -> config.put(e.getKey(), e.getValue()));
    config.put("http", http.mergeIn(config.getJsonObject("http", new JsonObject())));
    Map<String, String> env = new HashMap<>();
    env.put("SWITCHBOARD_MASTER_KEY", "test-master-key-0123456789");
    return new RunningGateway(Gateway.start(null, config, env), tenantConfig.getString("id"));
  }

  /**
   * A plugin chain that answers nothing (one auto-reply rule no text matches). A tenant with it has
   * each new inbound message handed to the dispatcher on the bus ({@code sb.dispatch}), which tests
   * can observe; a tenant without a chain has its messages handed over as they are stored, and
   * nothing is published.
   */
  public static JsonArray quietChain() {
    return new JsonArray().add(new JsonObject().put("type", "auto-reply").put("rules", new JsonArray()
        .add(new JsonObject().put("match", "^a rule that matches no test message$").put("reply", "never sent"))));
  }

  public static JsonObject tenantConfig(String tenant, int perSecond, int burst) {
    return new JsonObject()
        .put("id", tenant)
        .put("name", "Test " + tenant)
        .put("apiKeys", new JsonArray().add("key-" + tenant + "-0123456789abcdef"))
        .put("limits", new JsonObject().put("inbound", new JsonObject().put("perSecond", perSecond).put("burst", burst)))
        .put("channels", new JsonObject().put("whatsapp", new JsonObject()
            .put("phoneNumberId", PHONE_NUMBER_ID)
            .put("appSecret", APP_SECRET)
            .put("verifyToken", VERIFY_TOKEN)));
  }

  public static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public String base() {
    return "http://127.0.0.1:" + gateway.port();
  }

  public Gateway gateway() {
    return gateway;
  }

  /** POSTs a WhatsApp webhook body, correctly signed. */
  public HttpResponse<String> postSigned(String body) {
    byte[] bytes = body.getBytes(java.nio.charset.StandardCharsets.UTF_8);
    return post("/webhooks/whatsapp/" + tenant, bytes, "application/json", WhatsApp.sign(bytes, APP_SECRET));
  }

  public HttpResponse<String> post(String path, byte[] body, String contentType, String signature) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path))
        .timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    if (signature != null) {
      b.header("X-Hub-Signature-256", signature);
    }
    return send(b.build());
  }

  /** POSTs a JSON body with the given extra headers (name, value, name, value…). */
  public HttpResponse<String> postJson(String path, String body, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path))
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return send(b.build());
  }

  /** GET with the given extra headers (name, value, …). */
  public HttpResponse<String> get(String pathAndQuery, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + pathAndQuery)).timeout(Duration.ofSeconds(30)).GET();
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return send(b.build());
  }

  /** DELETE with the given extra headers (name, value, …). */
  public HttpResponse<String> delete(String path, String... headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30)).DELETE();
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return send(b.build());
  }

  public HttpResponse<String> get(String pathAndQuery) {
    return send(HttpRequest.newBuilder(URI.create(base() + pathAndQuery)).timeout(Duration.ofSeconds(30)).GET().build());
  }

  /** The sum of the samples of metric {@code name} with these labels, as {@code GET /metrics} shows it now. */
  public double metric(String name, Map<String, String> labels) {
    return PrometheusText.sum(PrometheusText.parse(get("/metrics").body()), name, labels);
  }

  private HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    gateway.close();
  }
}
