package dev.switchboard.gateway.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.gateway.config.ConfigError;
import dev.switchboard.plugin.channel.AccountConfig;
import dev.switchboard.plugin.channel.ChannelContext;
import dev.switchboard.plugin.channel.ChannelPlugin;
import dev.switchboard.plugin.channel.ChannelSender;
import dev.switchboard.plugin.channel.DecodeResult;
import dev.switchboard.plugin.channel.WebhookRequest;
import dev.switchboard.plugin.spi.ConfigField;
import dev.switchboard.plugin.spi.PluginDescriptor;
import dev.switchboard.plugin.spi.SpiVersion;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChannelRegistryTest {

  /** A channel plugin that only declares its settings; validation never decodes or sends. */
  private record FakeChannel(String id, List<ConfigField> fields) implements ChannelPlugin {
    @Override
    public PluginDescriptor descriptor() {
      return new PluginDescriptor(id, "Fake " + id, "0.0.1", SpiVersion.CURRENT, fields);
    }

    @Override
    public DecodeResult decodeWebhook(WebhookRequest request, AccountConfig account) {
      throw new UnsupportedOperationException();
    }

    @Override
    public String accountRef(AccountConfig account) {
      return account.get("accountId");
    }

    @Override
    public ChannelSender newSender(ChannelContext context) {
      throw new UnsupportedOperationException();
    }
  }

  private static final String KEY = "tenants[0].channels.fake";

  private final ChannelRegistry registry = new ChannelRegistry(Map.of(
      "fake", new FakeChannel("fake", List.of(
          ConfigField.required("accountId", "the account"),
          ConfigField.secret("token", "the token"),
          ConfigField.optional("apiBaseUrl", "https://api.fake.example", "API base URL"),
          ConfigField.optional("note", null, "free text"))),
      "other", new FakeChannel("other", List.of())));

  private static Map<String, String> settings(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void findsLoadedPlugins() {
    assertThat(registry.ids()).containsExactlyInAnyOrder("fake", "other");
    assertThat(registry.find("fake")).isPresent();
    assertThat(registry.find("y")).isEmpty();
  }

  @Test
  void validSettingsPassAndDefaultsAreFilledIn() {
    AccountConfig account = registry.validate(KEY, "fake", settings("accountId", "acc-1", "token", "t0k"));

    assertThat(account.values()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "accountId", "acc-1", "token", "t0k", "apiBaseUrl", "https://api.fake.example"));
    assertThat(account.get("note")).as("optional without default stays unset").isNull();
  }

  @Test
  void givenValueWinsOverTheDefault() {
    AccountConfig account = registry.validate(KEY, "fake",
        settings("accountId", "a", "token", "t", "apiBaseUrl", "http://localhost:8081", "note", "hi"));

    assertThat(account.get("apiBaseUrl")).isEqualTo("http://localhost:8081");
    assertThat(account.get("note")).isEqualTo("hi");
  }

  @Test
  void blankOptionalValueFallsBackToTheDefault() {
    AccountConfig account = registry.validate(KEY, "fake", settings("accountId", "a", "token", "t", "apiBaseUrl", " "));

    assertThat(account.get("apiBaseUrl")).isEqualTo("https://api.fake.example");
  }

  @Test
  void unknownChannelNamesTheChannelKeyAndListsTheLoadedOnes() {
    assertThatThrownBy(() -> registry.validate("tenants[0].channels.y", "y", settings()))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("bad config: tenants[0].channels.y: ")
        .hasMessageContaining("'y'")
        .hasMessageContaining("fake, other");
  }

  @Test
  void unknownSettingNamesTheField() {
    assertThatThrownBy(() -> registry.validate(KEY, "fake",
        settings("accountId", "a", "token", "t", "apiBaseURL", "typo")))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("bad config: tenants[0].channels.fake.apiBaseURL: ");
  }

  @Test
  void missingRequiredSettingNamesTheField() {
    assertThatThrownBy(() -> registry.validate(KEY, "fake", settings("accountId", "a")))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("bad config: tenants[0].channels.fake.token: ")
        .hasMessageContaining("required");
  }

  @Test
  void blankRequiredSettingIsMissing() {
    assertThatThrownBy(() -> registry.validate(KEY, "fake", settings("accountId", "  ", "token", "t")))
        .isInstanceOf(ConfigError.class)
        .hasMessageStartingWith("bad config: tenants[0].channels.fake.accountId: ");
  }

  @Test
  void errorsNeverContainTheSecretValues() {
    assertThatThrownBy(() -> registry.validate(KEY, "fake",
        settings("token", "super-secret-token-value")))
        .isInstanceOf(ConfigError.class)
        .hasMessageNotContaining("super-secret-token-value");
    assertThatThrownBy(() -> registry.validate(KEY, "fake",
        settings("accountId", "a", "token", "super-secret-token-value", "extra", "more-secret")))
        .isInstanceOf(ConfigError.class)
        .hasMessageNotContaining("super-secret-token-value")
        .hasMessageNotContaining("more-secret");
  }

  @Test
  void validatedAccountDoesNotPrintValues() {
    AccountConfig account = registry.validate(KEY, "fake", settings("accountId", "a", "token", "super-secret-token"));

    assertThat(account.toString()).doesNotContain("super-secret-token");
  }
}
