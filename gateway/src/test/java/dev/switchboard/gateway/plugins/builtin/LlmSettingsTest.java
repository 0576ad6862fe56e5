package dev.switchboard.gateway.plugins.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.gateway.config.ConfigError;
import dev.switchboard.gateway.plugins.MessagePluginRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LlmSettingsTest {
  private static final MessagePluginRegistry REGISTRY = new MessagePluginRegistry(Map.of("llm", new LlmPlugin()));

  private static List<MessagePluginRegistry.Entry> chain(JsonObject entry) {
    return REGISTRY.chain("tenants[0].plugins", new JsonArray().add(entry.put("type", "llm")).encode());
  }

  private static JsonObject minimal() {
    return new JsonObject().put("baseUrl", "https://api.openai.com/v1/").put("apiKey", "sk-secret-0123").put("model", "gpt-4o-mini");
  }

  @Test
  void theDefaultsAreThoseOfTheDescriptor() {
    LlmSettings s = LlmSettings.parse(chain(minimal()).get(0).settings());
    assertThat(s.endpoint().baseUrl()).isEqualTo("https://api.openai.com/v1");
    assertThat(s.endpoint().timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(s.temperature()).isEqualTo(0.7);
    assertThat(s.maxTokens()).isEqualTo(512);
    assertThat(s.historyMessages()).isEqualTo(20);
    assertThat(s.contextTokens()).isEqualTo(8000);
    assertThat(s.maxAttempts()).isEqualTo(3);
    assertThat(s.systemPrompt()).isEqualTo(LlmSettings.DEFAULT_SYSTEM_PROMPT);
    assertThat(s.memory().enabled()).isFalse();
    assertThat(s.fallbackReply()).isNull();
    assertThat(s.prices()).isNull();
    assertThat(s.stop()).isTrue();
    assertThat(s.toString()).doesNotContain("sk-secret");
    assertThat(s.endpoint().toString()).doesNotContain("sk-secret");
  }

  @Test
  void memoryAndPricesAreMappings() {
    LlmSettings s = LlmSettings.parse(chain(minimal()
        .put("memory", new JsonObject().put("topK", 8).put("minScore", 0.5).put("extract", true).put("expireAfter", "P90D"))
        .put("prices", new JsonObject().put("promptPerMillion", 0.15).put("completionPerMillion", 0.6))).get(0).settings());
    assertThat(s.memory().enabled()).as("a memory mapping turns it on").isTrue();
    assertThat(s.memory().topK()).isEqualTo(8);
    assertThat(s.memory().minScore()).isEqualTo(0.5);
    assertThat(s.memory().extract()).isTrue();
    assertThat(s.memory().expireAfter()).isEqualTo(Duration.ofDays(90));
    assertThat(s.memory().embeddingModel()).isEqualTo("text-embedding-3-small");
    assertThat(s.prices().cost("chat", 1_000_000, 1_000_000)).isEqualTo(0.75);
    assertThat(s.prices().cost("embedding", 1_000_000, 0)).as("embeddings default to the prompt price").isEqualTo(0.15);
  }

  @Test
  void badSettingsFailNamingTheirKey() {
    assertThatThrownBy(() -> chain(new JsonObject().put("model", "m"))).isInstanceOf(ConfigError.class)
        .hasMessageContaining("tenants[0].plugins[0].baseUrl").hasMessageContaining("is required");
    assertThatThrownBy(() -> chain(minimal().put("baseUrl", "ftp://x"))).hasMessageContaining("tenants[0].plugins[0].baseUrl")
        .hasMessageContaining("absolute http(s) URL");
    assertThatThrownBy(() -> chain(minimal().put("temperature", 3))).hasMessageContaining("plugins[0].temperature")
        .hasMessageContaining("between 0 and 2");
    assertThatThrownBy(() -> chain(minimal().put("timeout", "30s"))).hasMessageContaining("plugins[0].timeout");
    assertThatThrownBy(() -> chain(minimal().put("memory", new JsonObject().put("topK", 0))))
        .hasMessageContaining("tenants[0].plugins[0].memory.topK").hasMessageContaining("between 1 and 50");
    assertThatThrownBy(() -> chain(minimal().put("memory", new JsonObject().put("top", 3))))
        .hasMessageContaining("tenants[0].plugins[0].memory.top").hasMessageContaining("unknown setting");
    assertThatThrownBy(() -> chain(minimal().put("memory", "yes"))).hasMessageContaining("tenants[0].plugins[0].memory")
        .hasMessageContaining("must be a mapping");
    assertThatThrownBy(() -> chain(minimal().put("prices", new JsonObject().put("promptPerMillion", -1))))
        .hasMessageContaining("plugins[0].prices.promptPerMillion");
    assertThatThrownBy(() -> chain(minimal().put("fallbackReply", "x".repeat(5000)))).hasMessageContaining("plugins[0].fallbackReply");
    assertThatThrownBy(() -> chain(minimal().put("temprature", 1))).hasMessageContaining("plugins[0].temprature")
        .hasMessageContaining("unknown setting");
  }

  @Test
  void extractedFactsAreReadFromTheModelsJsonWhereverItIs() {
    assertThat(LlmPlugin.facts("Sure! {\"memories\":[{\"content\":\" Lives in Porto \",\"importance\":1.7,"
        + "\"category\":\"Home\"},{\"content\":\"\"},{\"importance\":0.3}]} Hope that helps.")).containsExactly(
        new LlmPlugin.Fact("Lives in Porto", 1.0, "home"));
    assertThat(LlmPlugin.facts("[\"Has two cats\", {\"content\":\"Vegetarian\",\"importance\":0.9}]")).containsExactly(
        new LlmPlugin.Fact("Has two cats", 0.5, null), new LlmPlugin.Fact("Vegetarian", 0.9, null));
    assertThat(LlmPlugin.facts("{\"memories\":[]}")).isEmpty();
    assertThat(LlmPlugin.facts("nothing to remember")).isEmpty();
    assertThat(LlmPlugin.facts("{broken")).isEmpty();
    assertThat(LlmPlugin.facts("[" + "\"fact\",".repeat(9) + "\"fact\"]")).hasSize(LlmPlugin.MAX_EXTRACTED);
  }
}
