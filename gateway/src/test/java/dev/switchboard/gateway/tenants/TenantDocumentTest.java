package dev.switchboard.gateway.tenants;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.gateway.config.ConfigError;
import dev.switchboard.gateway.plugins.PluginLoader;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TenantDocumentTest {
  private static final TenantDocument DOCUMENTS = new TenantDocument(
      PluginLoader.loadChannels(Path.of("no-plugins-here")), PluginLoader.loadMessagePlugins(Path.of("no-plugins-here")));

  private static TenantDocument.Stored stored() {
    String chain = new JsonArray()
        .add(new JsonObject().put("type", "forward").put("url", "https://bot.example").put("secret", "bot-secret"))
        .add(new JsonObject().put("type", "gone-plugin").put("token", "gone-token"))
        .encode();
    return new TenantDocument.Stored(new JsonObject().put("id", "acme").put("name", "Acme"), false,
        List.of("hash-one", "hash-two"),
        Map.of("whatsapp", Map.of("phoneNumberId", "1065", "appSecret", "app-secret", "verifyToken", "verify")),
        chain, "2026-12-02T00:00:00Z", "2026-12-02T00:00:00Z");
  }

  @Test
  void everySetSecretIsShownMasked() {
    JsonObject doc = DOCUMENTS.render(stored());

    assertThat(doc.encode()).doesNotContain("app-secret", "verify\"", "bot-secret", "gone-token", "hash-one");
    assertThat(doc.getJsonObject("channels").getJsonObject("whatsapp").getMap())
        .containsEntry("phoneNumberId", "1065").containsEntry("appSecret", "***").containsEntry("verifyToken", "***");
    JsonObject forward = doc.getJsonArray("plugins").getJsonObject(0);
    assertThat(forward.getString("url")).isEqualTo("https://bot.example");
    assertThat(forward.getString("secret")).isEqualTo("***");
    assertThat(doc.getJsonArray("plugins").getJsonObject(1).getMap())
        .as("a plugin no longer loaded: nothing but its type is shown")
        .containsEntry("type", "gone-plugin").containsEntry("token", "***");
    assertThat(doc.getJsonArray("apiKeys")).containsExactly("***", "***");
    assertThat(doc.getString("managedBy")).isEqualTo("api");
  }

  @Test
  void maskedValuesSentBackKeepTheStoredSecrets() {
    JsonObject body = DOCUMENTS.render(stored());
    body.getJsonObject("channels").getJsonObject("whatsapp").put("verifyToken", "new-verify");
    body.put("apiKeys", new JsonArray().add("new-key-0123456789abcdef").add("***"));

    TenantDocument.Merged merged = TenantDocument.merge(body, stored());

    JsonObject wa = merged.body().getJsonObject("channels").getJsonObject("whatsapp");
    assertThat(wa.getString("appSecret")).isEqualTo("app-secret");
    assertThat(wa.getString("verifyToken")).isEqualTo("new-verify");
    assertThat(merged.body().getJsonArray("plugins").getJsonObject(0).getString("secret")).isEqualTo("bot-secret");
    assertThat(merged.keptHashes()).as("the '***' at position 1 keeps the key stored there").containsExactly("hash-two");
    assertThat(merged.body().getJsonArray("apiKeys")).containsExactly("new-key-0123456789abcdef");
  }

  @Test
  void aMaskThatStandsForNothingStoredNamesItsKey() {
    JsonObject fresh = new JsonObject().put("id", "acme").put("channels", new JsonObject()
        .put("telegram", new JsonObject().put("botToken", "***")));
    assertThatThrownBy(() -> TenantDocument.merge(fresh, null)).isInstanceOf(ConfigError.class)
        .satisfies(e -> assertThat(((ConfigError) e).key()).isEqualTo("channels.telegram.botToken"));

    JsonObject otherPlugin = DOCUMENTS.render(stored());
    otherPlugin.put("plugins", new JsonArray().add(new JsonObject().put("type", "llm").put("apiKey", "***")));
    assertThatThrownBy(() -> TenantDocument.merge(otherPlugin, stored())).isInstanceOf(ConfigError.class)
        .satisfies(e -> assertThat(((ConfigError) e).key()).isEqualTo("plugins[0].apiKey"));

    JsonObject tooManyKeys = DOCUMENTS.render(stored()).put("apiKeys", new JsonArray().add("***").add("***").add("***"));
    assertThatThrownBy(() -> TenantDocument.merge(tooManyKeys, stored())).isInstanceOf(ConfigError.class)
        .satisfies(e -> assertThat(((ConfigError) e).key()).isEqualTo("apiKeys[2]"));
  }
}
