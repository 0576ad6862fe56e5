package dev.switchboard.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.testing.RunningGateway;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Repeated failed authentications from one address: 429 with Retry-After until the window passes. */
class AuthFailureLimitIT {
  private static final String TENANT = "auth-limit-it";
  private static final String KEY = "key-" + TENANT + "-0123456789abcdef";
  private static final String ADMIN = "admin-token-limit-0123456789";
  private static RunningGateway gw;

  @BeforeAll
  static void start() {
    gw = RunningGateway.start(List.of(RunningGateway.tenantConfig(TENANT, 1000, 1000)), new JsonObject()
        .put("admin", new JsonObject().put("token", ADMIN))
        .put("http", new JsonObject().put("authFailureLimit", 5).put("authFailureWindow", "PT4S")));
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  @Test
  void anAddressThatFailsTooOftenIsAnswered429UntilTheWindowPasses() {
    assertThat(gw.get("/v1/usage", "Authorization", "Bearer " + KEY).statusCode()).isEqualTo(200);
    double failuresBefore = gw.metric("switchboard_auth_failures_total", Map.of("route", "/v1/usage", "kind", "tenant_key"));
    for (int i = 0; i < 3; i++) {
      assertThat(gw.get("/v1/usage", "Authorization", "Bearer wrong-key-0123456789-" + i).statusCode()).isEqualTo(401);
    }
    assertThat(gw.get("/admin/tenants", "Authorization", "Bearer wrong-admin-token").statusCode()).isEqualTo(401);
    assertThat(gw.get("/v1/usage").statusCode()).as("no key at all counts too").isEqualTo(401);
    assertThat(gw.metric("switchboard_auth_failures_total", Map.of("route", "/v1/usage", "kind", "tenant_key"))
        - failuresBefore).isEqualTo(4);
    assertThat(gw.metric("switchboard_auth_failures_total", Map.of("route", "/admin/tenants", "kind", "admin_token")))
        .isGreaterThanOrEqualTo(1);

    // 5 failures within the window: refused, even with the right key or token
    for (HttpResponse<String> r : List.of(gw.get("/v1/usage", "Authorization", "Bearer " + KEY),
        gw.get("/admin/tenants", "Authorization", "Bearer " + ADMIN))) {
      assertThat(r.statusCode()).isEqualTo(429);
      JsonObject error = new JsonObject(r.body()).getJsonObject("error");
      assertThat(error.getString("code")).isEqualTo("too_many_auth_failures");
      assertThat(error.getString("message")).doesNotContain(KEY, ADMIN);
      long retryAfter = Long.parseLong(r.headers().firstValue("Retry-After").orElseThrow());
      assertThat(retryAfter).isBetween(1L, 4L);
    }
    assertThat(gw.metric("switchboard_auth_blocked_total", Map.of("route", "/v1/usage"))).isGreaterThanOrEqualTo(1);
    assertThat(gw.get("/health").statusCode()).as("unauthenticated routes are not affected").isEqualTo(200);

    Awaitility.await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).until(() ->
        gw.get("/v1/usage", "Authorization", "Bearer " + KEY).statusCode() == 200);
    assertThat(gw.get("/admin/tenants", "Authorization", "Bearer " + ADMIN).statusCode()).isEqualTo(200);
  }
}
