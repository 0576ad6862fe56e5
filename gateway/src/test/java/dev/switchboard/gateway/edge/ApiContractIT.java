package dev.switchboard.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.testing.RunningGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract and the router are one: every route the running gateway serves is in
 * docs/openapi.yaml and every operation of the document is served; the document is served as JSON;
 * a request that breaks it answers 400 naming the parameter, counted like any HTTP error.
 */
class ApiContractIT {
  private static final String TENANT = "api-contract-it";
  private static final String KEY = "key-" + TENANT + "-0123456789abcdef";
  private static final String ADMIN = "admin-token-api-contract-0123456789";
  private static RunningGateway gw;

  @BeforeAll
  static void start() {
    gw = RunningGateway.start(RunningGateway.tenantConfig(TENANT, 100, 100),
        new JsonObject().put("admin", new JsonObject().put("token", ADMIN)));
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  /** {@code METHOD /path} of every operation in the document, read from the packaged docs/openapi.yaml. */
  private static Set<String> documented() {
    Set<String> ops = new TreeSet<>();
    JsonObject paths = ApiContract.document().getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String key : paths.getJsonObject(path).fieldNames()) {
        if (Set.of("get", "put", "post", "delete", "patch", "head", "options").contains(key)) {
          ops.add(key.toUpperCase(java.util.Locale.ROOT) + " " + path);
        }
      }
    }
    return ops;
  }

  @Test
  void everyServedRouteIsDocumentedAndEveryDocumentedRouteIsServed() {
    Set<String> served = gw.gateway().servedRoutes();
    Set<String> documented = documented();
    assertThat(documented).contains("GET /v1/conversations", "GET /v1/conversations/{id}/messages",
        "POST /webhooks/{channel}/{tenant}", "GET /openapi.json");
    assertThat(served).containsExactlyInAnyOrderElementsOf(documented);
  }

  @Test
  void theDocumentIsServedAsJsonWithoutCredentials() {
    HttpResponse<String> r = gw.get("/openapi.json");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonObject doc = new JsonObject(r.body());
    assertThat(doc.getString("openapi")).startsWith("3.1");
    assertThat(doc).isEqualTo(ApiContract.document());
    doc.getJsonObject("paths").forEach(p -> ((JsonObject) p.getValue()).forEach(op -> {
      if (op.getValue() instanceof JsonObject o && o.containsKey("responses")) {
        assertThat(o.getString("operationId")).as("operationId of %s %s", op.getKey(), p.getKey()).isNotBlank();
      }
    }));
  }

  @Test
  void aRequestThatBreaksTheContractAnswers400NamingTheParameterAndIsCounted() {
    double before = gw.metric("switchboard_http_errors_total", Map.of("route", "/v1/conversations", "status", "400"));
    HttpResponse<String> r = gw.get("/v1/conversations?limit=500", "Authorization", "Bearer " + KEY);
    assertThat(r.statusCode()).isEqualTo(400);
    JsonObject error = new JsonObject(r.body()).getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("invalid_request");
    assertThat(error.getString("message")).startsWith("limit: ");
    assertThat(r.body()).doesNotContain("Exception").doesNotContain("at io.vertx");
    assertThat(gw.metric("switchboard_http_errors_total", Map.of("route", "/v1/conversations", "status", "400")))
        .isEqualTo(before + 1);

    HttpResponse<String> status = gw.get("/v1/conversations?status=open", "Authorization", "Bearer " + KEY);
    assertThat(status.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(status.body()).getJsonObject("error").getString("message")).startsWith("status: ");
  }

  @Test
  void aBodyThatBreaksTheContractAnswers400NamingTheField() {
    HttpResponse<String> r = gw.postJson("/v1/messages", "{\"channel\": 5, \"to\": \"+14155550123\", \"text\": \"hi\"}",
        "Authorization", "Bearer " + KEY);
    assertThat(r.statusCode()).isEqualTo(400);
    JsonObject error = new JsonObject(r.body()).getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo("invalid_request");
    assertThat(error.getString("message")).startsWith("channel: ");
    HttpResponse<String> media = gw.postJson("/v1/messages", "{\"channel\": \"whatsapp\", \"to\": \"+14155550123\", "
        + "\"media\": \"a picture\"}", "Authorization", "Bearer " + KEY);
    assertThat(new JsonObject(media.body()).getJsonObject("error").getString("message")).startsWith("media: ");
    HttpResponse<String> broken = gw.postJson("/v1/messages", "{\"channel\": ", "Authorization", "Bearer " + KEY);
    assertThat(broken.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(broken.body()).getJsonObject("error").getString("code")).isEqualTo("malformed_json");
    HttpResponse<String> text = gw.post("/v1/messages", "hi".getBytes(), "text/plain", null);
    assertThat(text.statusCode()).isEqualTo(401); // credentials first
  }

  @Test
  void credentialsComeBeforeValidation() {
    HttpResponse<String> r = gw.get("/v1/conversations?limit=500");
    assertThat(r.statusCode()).isEqualTo(401);
    assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code")).isEqualTo("unauthorized");
    assertThat(gw.get("/admin/dead-letters?limit=0", "Authorization", "Bearer " + KEY).statusCode()).isEqualTo(401);
  }

  @Test
  void unknownRoutesAnswer404AndOtherMethods405() {
    HttpResponse<String> missing = gw.get("/no/such/route");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(missing.body()).getJsonObject("error").getString("code")).isEqualTo("not_found");
    HttpResponse<String> method = gw.delete("/v1/conversations", "Authorization", "Bearer " + KEY);
    assertThat(method.statusCode()).isEqualTo(405);
    assertThat(new JsonObject(method.body()).getJsonObject("error").getString("code")).isEqualTo("method_not_allowed");
    // a webhook of an unknown channel still answers like an unknown tenant
    assertThat(gw.post("/webhooks/nochannel/" + TENANT, "{}".getBytes(), "application/json", null).statusCode())
        .isEqualTo(404);
  }
}
