package dev.switchboard.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvSubstitutionTest {

  private static JsonObject apply(Map<String, String> env, JsonObject tree) {
    return new EnvSubstitution(env).apply(tree);
  }

  @Test
  void replacesAWholeValue() {
    JsonObject out = apply(Map.of("ADMIN_TOKEN", "t0ken"),
        new JsonObject().put("admin", new JsonObject().put("token", "${ADMIN_TOKEN}")));

    assertThat(out.getJsonObject("admin").getString("token")).isEqualTo("t0ken");
  }

  @Test
  void replacesSeveralReferencesInsideOneString() {
    JsonObject out = apply(Map.of("HOST", "db.internal", "USER", "sw"),
        new JsonObject().put("url", "postgresql://${USER}@${HOST}:${PORT:-5432}/app"));

    assertThat(out.getString("url")).isEqualTo("postgresql://sw@db.internal:5432/app");
  }

  @Test
  void defaultIsUsedOnlyWhenTheVariableIsUnset() {
    JsonObject tree = new JsonObject().put("a", "${A:-fallback}").put("b", "${B:-fallback}");

    JsonObject out = apply(Map.of("A", "given"), tree);

    assertThat(out.getString("a")).isEqualTo("given");
    assertThat(out.getString("b")).isEqualTo("fallback");
  }

  @Test
  void defaultMayBeEmptyOrContainColonsAndSlashes() {
    JsonObject out = apply(Map.of(), new JsonObject()
        .put("empty", "${NOPE:-}")
        .put("url", "${DB:-postgresql://u:p@h:5432/db}"));

    assertThat(out.getString("empty")).isEmpty();
    assertThat(out.getString("url")).isEqualTo("postgresql://u:p@h:5432/db");
  }

  /**
   * {@code ${VAR:-default}} is shell / docker-compose syntax, where the colon means "unset
   * <em>or empty</em>". A compose file with {@code ACME_KEY: ${ACME_KEY:-}} passes an empty
   * variable, and users expect the file's default then.
   */
  @Test
  void defaultIsUsedWhenTheVariableIsSetButEmpty() {
    JsonObject out = apply(Map.of("PUBLIC_URL", ""),
        new JsonObject().put("publicBaseUrl", "${PUBLIC_URL:-https://switchboard.example}"));

    assertThat(out.getString("publicBaseUrl")).isEqualTo("https://switchboard.example");
  }

  @Test
  void substitutesInsideListsAndMappingsInsideLists() {
    JsonObject tree = new JsonObject().put("tenants", new JsonArray().add(new JsonObject()
        .put("apiKeys", new JsonArray().add("${KEY_1}").add("literal-key-0123456789"))
        .put("plugins", new JsonArray().add(new JsonObject()
            .put("type", "forward")
            .put("secret", "${FWD_SECRET}")
            .put("headers", new JsonArray().add(new JsonArray().add("x-${HDR:-h}")))))));

    JsonObject out = apply(Map.of("KEY_1", "key-from-env-0123456789", "FWD_SECRET", "s3cret"), tree);

    JsonObject tenant = out.getJsonArray("tenants").getJsonObject(0);
    assertThat(tenant.getJsonArray("apiKeys").getList())
        .containsExactly("key-from-env-0123456789", "literal-key-0123456789");
    JsonObject plugin = tenant.getJsonArray("plugins").getJsonObject(0);
    assertThat(plugin.getString("secret")).isEqualTo("s3cret");
    assertThat(plugin.getJsonArray("headers").getJsonArray(0).getString(0)).isEqualTo("x-h");
  }

  @Test
  void valuesAreInsertedLiterallyAndNotExpandedAgain() {
    JsonObject out = apply(Map.of("PW", "a$1\\b${OTHER}", "OTHER", "boom"),
        new JsonObject().put("pw", "${PW}"));

    assertThat(out.getString("pw")).isEqualTo("a$1\\b${OTHER}");
  }

  @Test
  void leavesNonStringsAndPlainStringsAlone() {
    JsonObject tree = new JsonObject().put("port", 8080).put("on", true).put("name", "Acme $5 {x}")
        .put("nothing", (Object) null);

    JsonObject out = apply(Map.of(), tree);

    assertThat(out).isEqualTo(tree);
  }

  @Test
  void doesNotModifyTheInputTree() {
    JsonObject tree = new JsonObject().put("list", new JsonArray().add("${A}"))
        .put("m", new JsonObject().put("k", "${A}"));

    apply(Map.of("A", "x"), tree);

    assertThat(tree.getJsonArray("list").getString(0)).isEqualTo("${A}");
    assertThat(tree.getJsonObject("m").getString("k")).isEqualTo("${A}");
  }

  @Test
  void unsetVariableInAListNamesTheIndexedKeyAndTheVariable() {
    JsonObject tree = new JsonObject().put("tenants", new JsonArray()
        .add(new JsonObject().put("id", "acme").put("apiKeys", new JsonArray().add("${ACME_API_KEY}"))));

    assertThatThrownBy(() -> apply(Map.of(), tree))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("tenants[0].apiKeys[0]:")
        .hasMessageContaining("ACME_API_KEY");
  }

  @Test
  void unsetVariableInANestedMappingNamesTheDottedKey() {
    JsonObject tree = new JsonObject().put("tenants", new JsonArray()
        .add(new JsonObject().put("id", "a1"))
        .add(new JsonObject().put("channels", new JsonObject()
            .put("whatsapp", new JsonObject().put("appSecret", "x${WA_SECRET}")))));

    assertThatThrownBy(() -> apply(Map.of(), tree))
        .isInstanceOf(ConfigError.class)
        .hasMessageContaining("tenants[1].channels.whatsapp.appSecret:")
        .hasMessageContaining("WA_SECRET");
  }

  @Test
  void unsetVariableAtTopLevelNamesTheKey() {
    assertThatThrownBy(() -> apply(Map.of(), new JsonObject()
        .put("admin", new JsonObject().put("token", "${ADMIN_TOKEN}"))))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("bad config: admin.token:")
        .hasMessageContaining("ADMIN_TOKEN");
  }
}
