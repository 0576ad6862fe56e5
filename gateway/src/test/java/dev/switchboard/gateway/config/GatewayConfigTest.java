package dev.switchboard.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GatewayConfigTest {
  private static YamlText yaml;

  @BeforeAll
  static void startYaml() {
    yaml = new YamlText();
  }

  @AfterAll
  static void stopYaml() throws Exception {
    yaml.close();
  }

  private static GatewayConfig load(String text, Map<String, String> env) {
    return GatewayConfig.from(yaml.parse(text), env);
  }

  private static GatewayConfig load(String text) {
    return load(text, Map.of());
  }

  /** Asserts a {@link ConfigError} whose message names exactly {@code key} (followed by ": "). */
  private static AbstractThrowableAssert<?, ? extends Throwable> failsNaming(String text, Map<String, String> env,
                                                                             String key) {
    return assertThatThrownBy(() -> load(text, env))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("bad config: " + key + ": ");
  }

  private static AbstractThrowableAssert<?, ? extends Throwable> failsNaming(String text, String key) {
    return failsNaming(text, Map.of(), key);
  }

  /** The complete example of API.md, verbatim. */
  private static final String API_MD_EXAMPLE = """
      http:
        port: 8080
      database:
        url: postgresql://switchboard:secret@db:5432/switchboard   # omit for the local default
      admin:
        token: ${ADMIN_TOKEN}
      tenants:                     # seeded/updated at start and on file change (hot reload)
        - id: acme                 # [a-z0-9-]{2,40}, used in URLs
          name: Acme Corp
          apiKeys: [ "${ACME_API_KEY}" ]
          limits:
            inbound:  { perSecond: 200, burst: 400 }
            outbound: { perSecond: 50,  burst: 50 }
            perContactDaily: 500   # inbound messages per contact per day, 0 = unlimited
          takeover:
            autoResumeAfter: PT2H  # ISO-8601 duration
          channels:
            whatsapp:
              phoneNumberId: "106540352242922"
              appSecret: ${ACME_WA_APP_SECRET}
              verifyToken: ${ACME_WA_VERIFY_TOKEN}
              accessToken: ${ACME_WA_ACCESS_TOKEN}
              apiBaseUrl: https://graph.facebook.com/v23.0   # overridable (tests, proxies)
            telegram:
              botToken: ${ACME_TG_BOT_TOKEN}
              secretToken: ${ACME_TG_SECRET}
              apiBaseUrl: https://api.telegram.org            # overridable (local Bot API server)
            evolution:
              serverUrl: https://evo.acme.example
              instance: acme-main
              apiKey: ${ACME_EVO_API_KEY}
          plugins:                 # the tenant's ordered message-plugin chain
            - type: forward
              url: https://bot.acme.example/switchboard
              secret: ${ACME_FORWARD_SECRET}
            - type: auto-reply
              rules: [ { match: "(?i)^hours", reply: "We are open 9-17." } ]
      """;

  private static Map<String, String> apiMdEnv() {
    Map<String, String> env = new HashMap<>();
    env.put("ADMIN_TOKEN", "admin-token-from-env-000");
    env.put("ACME_API_KEY", "acme-api-key-0123456789abcdef");
    env.put("ACME_WA_APP_SECRET", "wa-app-secret-value");
    env.put("ACME_WA_VERIFY_TOKEN", "wa-verify-token-value");
    env.put("ACME_WA_ACCESS_TOKEN", "wa-access-token-value");
    env.put("ACME_TG_BOT_TOKEN", "123456:tg-bot-token-value");
    env.put("ACME_TG_SECRET", "tg-secret-token-value");
    env.put("ACME_EVO_API_KEY", "evo-api-key-value");
    env.put("ACME_FORWARD_SECRET", "forward-secret-value");
    return env;
  }

  @Nested
  class Defaults {
    @Test
    void emptyFileGivesTheDocumentedDefaults() {
      GatewayConfig c = GatewayConfig.from(new JsonObject(), Map.of());

      assertThat(c.httpPort()).isEqualTo(8080);
      assertThat(c.databaseUrl()).isNull();
      assertThat(c.adminToken()).isNull();
      assertThat(c.publicBaseUrl()).isNull();
      assertThat(c.bodyLimit()).isEqualTo(3L * 1024 * 1024);
      assertThat(c.dataDir()).isEqualTo("data");
      assertThat(c.tenants()).isEmpty();
      assertThat(c.httpLimits().idleTimeout()).isEqualTo(Duration.ofSeconds(60));
      assertThat(c.httpLimits().requestTimeout()).isEqualTo(Duration.ofSeconds(30));
      assertThat(c.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void maxConnectionsDefaultsToThreeQuartersOfTheOpenFileLimit() {
      GatewayConfig c = GatewayConfig.from(new JsonObject(), Map.of());

      assertThat(c.httpLimits().maxConnections()).isEqualTo(HttpLimits.defaultMaxConnections())
          .isLessThan((int) Math.min(Integer.MAX_VALUE, HttpLimits.openFileLimit()));
    }

    @Test
    void connectionLimitsAndShutdownTimeoutAreRead() {
      GatewayConfig c = load("""
          http:
            idleTimeout: PT15S
            requestTimeout: PT10S
            maxConnections: 2000
          shutdown:
            timeout: PT45S
          """);

      assertThat(c.httpLimits()).isEqualTo(new HttpLimits(Duration.ofSeconds(15), Duration.ofSeconds(10), 2000));
      assertThat(c.shutdownTimeout()).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void authFailuresAllow20AMinutePerAddressUnlessConfigured() {
      assertThat(GatewayConfig.from(new JsonObject(), Map.of()).authFailures())
          .isEqualTo(new AuthFailureLimit(20, Duration.ofMinutes(1), 10_000));
      assertThat(load("http: { authFailureLimit: 5, authFailureWindow: PT10M }").authFailures())
          .isEqualTo(new AuthFailureLimit(5, Duration.ofMinutes(10), 10_000));
    }

    @Test
    void memoryLivesInTheMainDatabaseWith1536DimensionsUnlessConfigured() {
      assertThat(GatewayConfig.from(new JsonObject(), Map.of()).memory()).isEqualTo(MemorySettings.DEFAULTS)
          .isEqualTo(new MemorySettings(null, 1536, 4));
      assertThat(load("""
          memory:
            databaseUrl: postgresql://u:p@vectors:5432/mem?prepareThreshold=0
            dimensions: 768
            poolSize: 1
          """).memory()).isEqualTo(new MemorySettings("postgresql://u:p@vectors:5432/mem?prepareThreshold=0", 768, 1));
      failsNaming("memory:\n  dimensions: 3000\n", "memory.dimensions").hasMessageContaining("between 1 and 2000");
      failsNaming("memory:\n  poolSize: 0\n", "memory.poolSize");
    }

    @Test
    void storeGroupCommitHasMeasuredDefaultsAndEveryKeyCanBeSet() {
      StoreSettings defaults = GatewayConfig.from(new JsonObject(), Map.of()).store();
      assertThat(defaults).isEqualTo(StoreSettings.defaults());
      assertThat(defaults.maxInFlight()).isEqualTo(4);
      assertThat(defaults.minConcurrentBatch()).isEqualTo(16);
      assertThat(defaults.linger()).isEqualTo(Duration.ofMillis(1));
      assertThat(defaults.maxBatchEvents()).isEqualTo(512);
      assertThat(load("""
          store:
            maxBatchEvents: 256
            maxInFlight: 3
            minConcurrentBatch: 8
            lingerMillis: 2
            maxQueuedEvents: 10000
            queueVacuumInterval: PT5S
          """).store()).isEqualTo(new StoreSettings(256, 3, 8, Duration.ofMillis(2), 10_000, defaults.timeout(), Duration.ofSeconds(5)));
      failsNaming("store:\n  maxInFlight: 0\n", "store.maxInFlight").hasMessageContaining("between 1 and 64");
      failsNaming("store:\n  lingerMillis: 5000\n", "store.lingerMillis");
      assertThat(defaults.queueVacuumInterval()).isEqualTo(Duration.ofSeconds(1));
      failsNaming("store:\n  queueVacuumInterval: PT0.01S\n", "store.queueVacuumInterval")
          .hasMessageContaining("between PT0.1S and PT1H");
    }

    @Test
    void noFileAtAllIsTheSameAsAnEmptyFile() {
      assertThat(GatewayConfig.from(null, Map.of()).httpPort()).isEqualTo(8080);
    }

    @Test
    void minimalTenantGetsDefaultLimitsTakeoverAndName() {
      GatewayConfig c = load("""
          tenants:
            - id: acme
          """);

      TenantConfig t = c.tenants().get(0);
      assertThat(t.id()).isEqualTo("acme");
      assertThat(t.name()).isEqualTo("acme");
      assertThat(t.apiKeys()).isEmpty();
      assertThat(t.inbound()).isEqualTo(new RateLimit(200, 400));
      assertThat(t.outbound()).isEqualTo(new RateLimit(50, 50));
      assertThat(t.perContactDaily()).isZero();
      assertThat(t.autoResumeAfter()).isEqualTo(Duration.ofHours(2));
      assertThat(t.channels()).isEmpty();
      assertThat(new JsonArray(t.pluginsJson())).isEmpty();
    }

    @Test
    void burstDefaultsToAtLeastTheRate() {
      TenantConfig t = load("""
          tenants:
            - id: acme
              limits:
                inbound: { perSecond: 1000 }
                outbound: { perSecond: 5 }
          """).tenants().get(0);

      assertThat(t.inbound()).isEqualTo(new RateLimit(1000, 1000));
      assertThat(t.outbound()).isEqualTo(new RateLimit(5, 50));
    }

    @Test
    void anUnlimitedInboundLimitIsNoLimitWhileTheOthersKeepTheirDefaults() {
      TenantConfig t = load("""
          tenants:
            - id: acme
              limits: { inbound: unlimited }
          """).tenants().get(0);

      assertThat(t.inbound()).as("no inbound limit: admission is skipped").isNull();
      assertThat(t.outbound()).isEqualTo(new RateLimit(50, 50));
    }

    @Test
    void blankAdminTokenDisablesTheAdminApi() {
      assertThat(load("admin: { token: '  ' }").adminToken()).isNull();
    }
  }

  @Nested
  class ApiMdExample {
    @Test
    void parsesEveryDocumentedSetting() {
      GatewayConfig c = load(API_MD_EXAMPLE, apiMdEnv());

      assertThat(c.httpPort()).isEqualTo(8080);
      assertThat(c.databaseUrl()).isEqualTo("postgresql://switchboard:secret@db:5432/switchboard");
      assertThat(c.adminToken()).isEqualTo("admin-token-from-env-000");
      assertThat(c.tenants()).hasSize(1);
      TenantConfig t = c.tenants().get(0);
      assertThat(t.id()).isEqualTo("acme");
      assertThat(t.name()).isEqualTo("Acme Corp");
      assertThat(t.apiKeys()).containsExactly("acme-api-key-0123456789abcdef");
      assertThat(t.inbound()).isEqualTo(new RateLimit(200, 400));
      assertThat(t.outbound()).isEqualTo(new RateLimit(50, 50));
      assertThat(t.perContactDaily()).isEqualTo(500);
      assertThat(t.autoResumeAfter()).isEqualTo(Duration.ofHours(2));
      assertThat(t.channels()).containsOnlyKeys("whatsapp", "telegram", "evolution");
      assertThat(t.channels().get("whatsapp")).containsExactlyInAnyOrderEntriesOf(Map.of(
          "phoneNumberId", "106540352242922",
          "appSecret", "wa-app-secret-value",
          "verifyToken", "wa-verify-token-value",
          "accessToken", "wa-access-token-value",
          "apiBaseUrl", "https://graph.facebook.com/v23.0"));
      assertThat(t.channels().get("telegram")).containsEntry("botToken", "123456:tg-bot-token-value")
          .containsEntry("secretToken", "tg-secret-token-value");
      assertThat(t.channels().get("evolution")).containsEntry("instance", "acme-main")
          .containsEntry("apiKey", "evo-api-key-value");

      JsonArray plugins = new JsonArray(t.pluginsJson());
      assertThat(plugins).hasSize(2);
      assertThat(plugins.getJsonObject(0).getString("type")).isEqualTo("forward");
      assertThat(plugins.getJsonObject(0).getString("secret")).isEqualTo("forward-secret-value");
      assertThat(plugins.getJsonObject(1).getString("type")).isEqualTo("auto-reply");
      assertThat(plugins.getJsonObject(1).getJsonArray("rules").getJsonObject(0).getString("reply"))
          .isEqualTo("We are open 9-17.");
    }

    @Test
    void missingSecretNamesTheKeyAndTheVariable() {
      Map<String, String> env = apiMdEnv();
      env.remove("ACME_API_KEY");

      failsNaming(API_MD_EXAMPLE, env, "tenants[0].apiKeys[0]").hasMessageContaining("ACME_API_KEY");
    }

    @Test
    void missingChannelSecretNamesTheChannelKey() {
      Map<String, String> env = apiMdEnv();
      env.remove("ACME_TG_SECRET");

      failsNaming(API_MD_EXAMPLE, env, "tenants[0].channels.telegram.secretToken")
          .hasMessageContaining("ACME_TG_SECRET");
    }

    @Test
    void missingPluginSecretNamesTheListEntry() {
      Map<String, String> env = apiMdEnv();
      env.remove("ACME_FORWARD_SECRET");

      failsNaming(API_MD_EXAMPLE, env, "tenants[0].plugins[0].secret").hasMessageContaining("ACME_FORWARD_SECRET");
    }

    @Test
    void toStringNeverContainsASecret() {
      Map<String, String> env = apiMdEnv();
      GatewayConfig c = load(API_MD_EXAMPLE, env);

      List<String> rendered = List.of(c.toString(), String.valueOf(c.tenants()), c.tenants().get(0).toString());
      for (String text : rendered) {
        assertThat(text).doesNotContain("secret@db") // the database password
            .doesNotContain("acme-api-key-0123456789abcdef");
        for (String secret : env.values()) {
          assertThat(text).doesNotContain(secret);
        }
      }
      assertThat(c.tenants().get(0).toString()).contains("acme");
    }
  }

  @Nested
  class EnvironmentOverrides {
    private static final String FILE = """
        http: { port: 9000 }
        database: { url: "postgresql://file:pw@file-db/app" }
        admin: { token: file-admin-token }
        """;

    @Test
    void fileValuesApplyWithoutOverrides() {
      GatewayConfig c = load(FILE);

      assertThat(c.httpPort()).isEqualTo(9000);
      assertThat(c.databaseUrl()).isEqualTo("postgresql://file:pw@file-db/app");
      assertThat(c.adminToken()).isEqualTo("file-admin-token");
    }

    @Test
    void environmentWinsOverTheFile() {
      GatewayConfig c = load(FILE, Map.of(
          "HTTP_PORT", "9191",
          "DATABASE_URL", "postgresql://env:pw@env-db/app",
          "ADMIN_TOKEN", "env-admin-token"));

      assertThat(c.httpPort()).isEqualTo(9191);
      assertThat(c.databaseUrl()).isEqualTo("postgresql://env:pw@env-db/app");
      assertThat(c.adminToken()).isEqualTo("env-admin-token");
    }

    @Test
    void environmentAppliesWithoutAFile() {
      GatewayConfig c = GatewayConfig.from(null, Map.of("HTTP_PORT", " 0 ", "DATABASE_URL", "postgresql://x@h/d",
          "ADMIN_TOKEN", "tok"));

      assertThat(c.httpPort()).isZero();
      assertThat(c.databaseUrl()).isEqualTo("postgresql://x@h/d");
      assertThat(c.adminToken()).isEqualTo("tok");
    }

    @Test
    void blankDatabaseUrlAndAdminTokenDoNotOverride() {
      GatewayConfig c = load(FILE, Map.of("DATABASE_URL", "", "ADMIN_TOKEN", " "));

      assertThat(c.databaseUrl()).isEqualTo("postgresql://file:pw@file-db/app");
      assertThat(c.adminToken()).isEqualTo("file-admin-token");
    }

    /**
     * DATABASE_URL, ADMIN_TOKEN and SWITCHBOARD_MASTER_KEY treat a blank value as unset (as a
     * compose file passing {@code HTTP_PORT: ${HTTP_PORT:-}} produces); HTTP_PORT should too.
     */
    @Test
    void blankHttpPortDoesNotOverrideEither() {
      assertThat(load(FILE, Map.of("HTTP_PORT", "")).httpPort()).isEqualTo(9000);
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "80x", "-1", "65536", "8080.5"})
    void badHttpPortIsAConfigErrorNamingHttpPort(String value) {
      failsNaming(FILE, Map.of("HTTP_PORT", value), "HTTP_PORT").hasMessageContaining(value);
    }
  }

  @Nested
  class Substitution {
    @Test
    void variablesAndDefaultsAnywhereInTheTree() {
      GatewayConfig c = load("""
          http:
            port: ${PORT:-8181}
            publicBaseUrl: https://${PUBLIC_HOST}/
          dataDir: ${DATA_DIR:-/var/lib/switchboard}
          tenants:
            - id: ${TENANT:-acme}
              apiKeys: [ "${KEY_A}", "${KEY_B:-default-key-0123456789}" ]
              takeover: { autoResumeAfter: "${RESUME:-PT30M}" }
              channels:
                telegram: { botToken: "${TG}", apiBaseUrl: "${TG_API:-https://api.telegram.org}" }
          """, Map.of("PUBLIC_HOST", "sb.example", "KEY_A", "key-a-0123456789abcd", "TG", "1:tok"));

      assertThat(c.httpPort()).isEqualTo(8181);
      assertThat(c.publicBaseUrl()).as("without the trailing slash").isEqualTo("https://sb.example");
      assertThat(c.dataDir()).isEqualTo("/var/lib/switchboard");
      TenantConfig t = c.tenants().get(0);
      assertThat(t.id()).isEqualTo("acme");
      assertThat(t.apiKeys()).containsExactly("key-a-0123456789abcd", "default-key-0123456789");
      assertThat(t.autoResumeAfter()).isEqualTo(Duration.ofMinutes(30));
      assertThat(t.channels().get("telegram")).containsEntry("botToken", "1:tok")
          .containsEntry("apiBaseUrl", "https://api.telegram.org");
    }

    @Test
    void publicBaseUrlMustBeAnAbsoluteHttpUrl() {
      failsNaming("http: { publicBaseUrl: 'gw.example.com' }", Map.of(), "http.publicBaseUrl");
      failsNaming("http: { publicBaseUrl: 'ftp://gw.example.com' }", Map.of(), "http.publicBaseUrl");
      failsNaming("http: {}", Map.of("PUBLIC_BASE_URL", "https://gw.example.com/x?y=1"), "PUBLIC_BASE_URL");
      assertThat(load("http: { publicBaseUrl: 'http://a' }", Map.of("PUBLIC_BASE_URL", "https://gw.example.com/sb/"))
          .publicBaseUrl()).isEqualTo("https://gw.example.com/sb");
    }

    @Test
    void substitutedNumbersAreValidatedLikeWrittenOnes() {
      failsNaming("http: { port: '${PORT}' }", Map.of("PORT", "not-a-port"), "http.port");
      assertThat(load("http: { port: '${PORT}' }", Map.of("PORT", "7070")).httpPort()).isEqualTo(7070);
    }
  }

  @Nested
  class YamlNumbersForStringSettings {
    @Test
    void channelSettingsWrittenAsNumbersOrBooleansBecomeTheirText() {
      TenantConfig t = load("""
          tenants:
            - id: acme
              channels:
                whatsapp:
                  phoneNumberId: 106540352242922
                  small: 42
                  flag: true
                  unset:
          """).tenants().get(0);

      assertThat(t.channels().get("whatsapp"))
          .containsEntry("phoneNumberId", "106540352242922")
          .containsEntry("small", "42")
          .containsEntry("flag", "true")
          .doesNotContainKey("unset");
    }

    @Test
    void numericNameIdAndTokenBecomeStrings() {
      GatewayConfig c = load("""
          admin: { token: 12345678901234567890123 }
          tenants:
            - id: 42
              name: 2024
          """);

      assertThat(c.adminToken()).isEqualTo("12345678901234567890123");
      assertThat(c.tenants().get(0).id()).isEqualTo("42");
      assertThat(c.tenants().get(0).name()).isEqualTo("2024");
    }

    @Test
    void numbersGivenAsStringsAreAcceptedForNumericSettings() {
      GatewayConfig c = load("""
          http: { port: "8443", bodyLimit: " 2048 " }
          tenants:
            - id: acme
              limits: { inbound: { perSecond: "7", burst: "9" } }
          """);

      assertThat(c.httpPort()).isEqualTo(8443);
      assertThat(c.bodyLimit()).isEqualTo(2048);
      assertThat(c.tenants().get(0).inbound()).isEqualTo(new RateLimit(7, 9));
    }
  }

  @Nested
  class Errors {
    @ParameterizedTest
    @ValueSource(strings = {"Acme", "a", "acme_corp", "acme corp", "'x'"})
    void badTenantId(String id) {
      failsNaming("tenants: [ { id: " + id + " } ]", "tenants[0].id");
    }

    @Test
    void tooLongTenantId() {
      failsNaming("tenants: [ { id: " + "a".repeat(41) + " } ]", "tenants[0].id");
      assertThat(load("tenants: [ { id: " + "a".repeat(40) + " } ]").tenants()).hasSize(1);
    }

    @Test
    void missingTenantIdInTheSecondTenant() {
      failsNaming("tenants: [ { id: acme }, { name: Nobody } ]", "tenants[1].id").hasMessageContaining("required");
    }

    @Test
    void duplicateTenantIdNamesTheLaterEntry() {
      failsNaming("""
          tenants:
            - id: acme
            - id: other
            - id: acme
          """, "tenants[2].id").hasMessageContaining("duplicate").hasMessageContaining("acme");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2h", "PT2", "two hours", "P", "120"})
    void badIsoDuration(String value) {
      failsNaming("tenants: [ { id: acme, takeover: { autoResumeAfter: '" + value + "' } } ]",
          "tenants[0].takeover.autoResumeAfter").hasMessageContaining(value);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PT0S", "-PT1H"})
    void zeroOrNegativeDuration(String value) {
      failsNaming("tenants: [ { id: acme, takeover: { autoResumeAfter: '" + value + "' } } ]",
          "tenants[0].takeover.autoResumeAfter");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http: { authFailureLimit: 0 }", "http: { authFailureLimit: many }"})
    void badAuthFailureLimit(String text) {
      failsNaming(text, "http.authFailureLimit");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http: { authFailureWindow: 60 }", "http: { authFailureWindow: PT2H }"})
    void badAuthFailureWindow(String text) {
      failsNaming(text, "http.authFailureWindow");
    }

    @Test
    void aTenantNameOver200CharactersIsRefused() {
      failsNaming("tenants: [ { id: acme, name: '" + "x".repeat(201) + "' } ]", "tenants[0].name");
    }

    @Test
    void oneTenantOfTheAdminApiIsValidatedWithKeysFromItsRoot() {
      assertThatThrownBy(() -> GatewayConfig.tenant(new JsonObject().put("id", "acme")
          .put("limits", new JsonObject().put("inbound", new JsonObject().put("burst", -1)))))
          .isInstanceOf(ConfigError.class).hasMessageStartingWith("bad config: limits.inbound.burst: ");
      assertThat(GatewayConfig.tenant(new JsonObject().put("id", "acme")).name()).isEqualTo("acme");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http: { idleTimeout: 30s }", "http: { idleTimeout: PT0S }", "http: { idleTimeout: PT2H }"})
    void badIdleTimeout(String text) {
      failsNaming(text, "http.idleTimeout");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http: { requestTimeout: '30' }", "http: { requestTimeout: PT0.5S }",
        "http: { requestTimeout: { seconds: 3 } }"})
    void badRequestTimeout(String text) {
      failsNaming(text, "http.requestTimeout");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "many", "2000000"})
    void badMaxConnections(String value) {
      failsNaming("http: { maxConnections: '" + value + "' }", "http.maxConnections");
    }

    @ParameterizedTest
    @ValueSource(strings = {"shutdown: { timeout: soon }", "shutdown: { timeout: -PT5S }", "shutdown: { timeout: P1D }",
        "shutdown: PT30S"})
    void badShutdownTimeout(String text) {
      failsNaming(text, text.contains("{") ? "shutdown.timeout" : "shutdown");
    }

    @Test
    void zeroRate() {
      failsNaming("tenants: [ { id: acme, limits: { inbound: { perSecond: 0 } } } ]",
          "tenants[0].limits.inbound.perSecond");
    }

    @Test
    void negativeBurst() {
      failsNaming("tenants: [ { id: acme, limits: { outbound: { perSecond: 5, burst: -1 } } } ]",
          "tenants[0].limits.outbound.burst");
    }

    @Test
    void zeroBurst() {
      failsNaming("tenants: [ { id: acme, limits: { inbound: { burst: 0 } } } ]",
          "tenants[0].limits.inbound.burst");
    }

    @Test
    void negativePerContactDailyButZeroMeansUnlimited() {
      failsNaming("tenants: [ { id: acme, limits: { perContactDaily: -1 } } ]",
          "tenants[0].limits.perContactDaily");
      assertThat(load("tenants: [ { id: acme, limits: { perContactDaily: 0 } } ]").tenants().get(0).perContactDaily())
          .isZero();
    }

    @Test
    void nonNumericLimit() {
      failsNaming("tenants: [ { id: acme, limits: { inbound: { perSecond: lots } } } ]",
          "tenants[0].limits.inbound.perSecond").hasMessageContaining("lots");
    }

    @Test
    void nonNumericPort() {
      failsNaming("http: { port: eighty }", "http.port").hasMessageContaining("eighty");
    }

    @Test
    void portOutOfRange() {
      failsNaming("http: { port: 65536 }", "http.port");
      failsNaming("http: { port: -1 }", "http.port");
    }

    @Test
    void bodyLimitOutOfRange() {
      failsNaming("http: { bodyLimit: 10 }", "http.bodyLimit");
    }

    @Test
    void apiKeyShorterThan16CharactersNamesTheIndexWithoutPrintingTheKey() {
      failsNaming("""
          tenants:
            - id: acme
              apiKeys: [ "long-enough-key-0123", "short-key-123" ]
          """, "tenants[0].apiKeys[1]").hasMessageNotContaining("short-key-123");
    }

    @Test
    void apiKeyOfExactly16CharactersIsAccepted() {
      assertThat(load("tenants: [ { id: acme, apiKeys: [ '0123456789abcdef' ] } ]").tenants().get(0).apiKeys())
          .containsExactly("0123456789abcdef");
    }

    @Test
    void apiKeysNotAList() {
      failsNaming("tenants: [ { id: acme, apiKeys: just-one-key-0123456789 } ]", "tenants[0].apiKeys");
    }

    @Test
    void channelSettingThatIsAMapping() {
      failsNaming("""
          tenants:
            - id: acme
              channels:
                whatsapp:
                  phoneNumberId: "1"
                  appSecret: { nested: value }
          """, "tenants[0].channels.whatsapp.appSecret");
    }

    @Test
    void channelSettingThatIsAList() {
      failsNaming("tenants: [ { id: acme, channels: { telegram: { botToken: [a, b] } } } ]",
          "tenants[0].channels.telegram.botToken");
    }

    @Test
    void channelThatIsNotAMapping() {
      failsNaming("tenants: [ { id: acme, channels: { telegram: some-token } } ]", "tenants[0].channels.telegram");
    }

    @Test
    void pluginEntryWithoutType() {
      failsNaming("""
          tenants:
            - id: acme
              plugins:
                - type: forward
                  url: https://bot.example
                - url: https://other.example
          """, "tenants[0].plugins[1]").hasMessageContaining("type");
    }

    @Test
    void pluginEntryThatIsNotAMapping() {
      failsNaming("tenants: [ { id: acme, plugins: [ forward ] } ]", "tenants[0].plugins[0]");
    }

    @Test
    void tenantsNotAList() {
      failsNaming("tenants: { id: acme }", "tenants");
    }

    @Test
    void tenantEntryNotAMapping() {
      failsNaming("tenants: [ { id: acme }, acme2 ]", "tenants[1]");
    }

    @Test
    void sectionThatIsNotAMapping() {
      failsNaming("http: 8080", "http");
      failsNaming("tenants: [ { id: acme, limits: { inbound: 5 } } ]", "tenants[0].limits.inbound");
    }
  }

  @Nested
  class Cluster {
    private static final Map<String, String> DB = Map.of("DATABASE_URL", "postgresql://sb@db/sb");

    @Test
    void isOffByDefault() {
      assertThat(load("http:\n  port: 8080\n").cluster()).isEqualTo(ClusterSettings.OFF);
      assertThat(ClusterSettings.OFF.enabled()).isFalse();
    }

    @Test
    void readsHostPortAndMembersFromTheFile() {
      ClusterSettings c = load("""
          cluster:
            enabled: true
            host: 127.0.0.1
            port: 5801
            members: [127.0.0.1:5801, "127.0.0.1:5802"]
          """, DB).cluster();
      assertThat(c).isEqualTo(new ClusterSettings(true, "127.0.0.1", 5801, List.of("127.0.0.1:5801", "127.0.0.1:5802")));
    }

    @Test
    void theEnvironmentTurnsItOnAndOverridesTheFile() {
      Map<String, String> env = new HashMap<>(DB);
      env.putAll(Map.of("CLUSTER_MEMBERS", "127.0.0.1:6001, 127.0.0.1:6002", "CLUSTER_HOST", "127.0.0.1",
          "CLUSTER_PORT", "6002"));
      ClusterSettings c = load("cluster:\n  host: 10.0.0.1\n  port: 5701\n", env).cluster();
      assertThat(c).isEqualTo(new ClusterSettings(true, "127.0.0.1", 6002, List.of("127.0.0.1:6001", "127.0.0.1:6002")));
    }

    @Test
    void needsTheSharedDatabaseInOneLine() {
      assertThatThrownBy(() -> load("cluster:\n  enabled: true\n  members: [127.0.0.1:5701]\n"))
          .isInstanceOf(ConfigError.class)
          .hasMessage("bad config: cluster: cluster mode needs DATABASE_URL (or database.url): all nodes share one "
              + "PostgreSQL, never an embedded one each");
    }

    @Test
    void needsMembers() {
      failsNaming("cluster:\n  enabled: true\n", DB, "cluster.members");
    }

    @Test
    void refusesBadMembersAndPorts() {
      failsNaming("cluster:\n  enabled: true\n  members: [127.0.0.1]\n", DB, "cluster.members[0]");
      failsNaming("cluster:\n  enabled: true\n  members: [a:1, b:99999]\n", DB, "cluster.members[1]");
      failsNaming("cluster:\n  enabled: true\n  port: 0\n  members: [a:1]\n", DB, "cluster.port");
      Map<String, String> env = new HashMap<>(DB);
      env.putAll(Map.of("CLUSTER_MEMBERS", "a:1", "CLUSTER_PORT", "x"));
      failsNaming("", env, "CLUSTER_PORT");
    }
  }
}
