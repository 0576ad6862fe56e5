package dev.switchboard.channel.whatsapp;

import static dev.switchboard.channel.whatsapp.Webhooks.PLUGIN;
import static dev.switchboard.channel.whatsapp.Webhooks.RECEIVED_AT;
import static dev.switchboard.channel.whatsapp.Webhooks.account;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.plugin.channel.ChannelContext;
import dev.switchboard.plugin.channel.ChannelPlugin;
import dev.switchboard.plugin.channel.ChannelSender;
import dev.switchboard.plugin.channel.DecodeResult;
import dev.switchboard.plugin.channel.SendOutcome;
import dev.switchboard.plugin.channel.WebhookRequest;
import dev.switchboard.plugin.model.ChannelId;
import dev.switchboard.plugin.model.OutboundMessage;
import dev.switchboard.plugin.model.TenantId;
import dev.switchboard.plugin.spi.ConfigField;
import dev.switchboard.plugin.spi.PluginDescriptor;
import dev.switchboard.plugin.spi.SpiVersion;
import io.vertx.core.Future;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class WhatsAppChannelPluginTest {

  @Test
  void descriptorNamesTheChannelAndItsSettings() {
    PluginDescriptor d = PLUGIN.descriptor();

    assertThat(d.id()).isEqualTo("whatsapp");
    assertThat(d.displayName()).isNotBlank();
    assertThat(d.version()).isEqualTo("0.1.0");
    assertThat(d.spiVersion()).isEqualTo(SpiVersion.CURRENT);
    assertThat(d.configFields()).extracting(ConfigField::name)
        .containsExactly("phoneNumberId", "appSecret", "verifyToken", "accessToken", "apiBaseUrl");

    assertThat(d.field("phoneNumberId")).satisfies(f -> {
      assertThat(f.required()).isTrue();
      assertThat(f.secret()).isFalse();
    });
    assertThat(d.field("appSecret")).satisfies(f -> {
      assertThat(f.required()).isTrue();
      assertThat(f.secret()).isTrue();
    });
    assertThat(d.field("verifyToken")).satisfies(f -> {
      assertThat(f.required()).isTrue();
      assertThat(f.secret()).isTrue();
    });
    assertThat(d.field("accessToken")).satisfies(f -> {
      assertThat(f.required()).isFalse();
      assertThat(f.secret()).isTrue();
      assertThat(f.defaultValue()).isNull();
    });
    assertThat(d.field("apiBaseUrl")).satisfies(f -> {
      assertThat(f.required()).isFalse();
      assertThat(f.secret()).isFalse();
      assertThat(f.defaultValue()).isEqualTo("https://graph.facebook.com/v23.0");
    });
    assertThat(d.configFields()).allSatisfy(f -> assertThat(f.description()).isNotBlank());
  }

  @Test
  void isFoundByTheServiceLoader() {
    assertThat(ServiceLoader.load(ChannelPlugin.class).stream().map(ServiceLoader.Provider::type))
        .contains(WhatsAppChannelPlugin.class);
  }

  @Test
  void accountRefIsThePhoneNumberId() {
    assertThat(PLUGIN.accountRef(account("106540352242922"))).isEqualTo("106540352242922");
  }

  @Test
  void aSenderForAnAccountWithoutAccessTokenAnswersEverySendThatTheAccountCannotSend() {
    ChannelContext ctx = new ChannelContext(null, null, new TenantId("acme"), ChannelId.WHATSAPP,
        account("106540352242922"));

    ChannelSender sender = PLUGIN.newSender(ctx);
    Future<SendOutcome> outcome = sender.send(OutboundMessage.text("tok-1", "16505551234", "hi"));

    assertThat(outcome.succeeded()).isTrue();
    assertThat(outcome.result()).isInstanceOfSatisfying(SendOutcome.PermanentFailure.class, failure -> {
      assertThat(failure.code()).isEqualTo("invalid_config");
      assertThat(failure.detail()).contains("accessToken");
      assertThat(failure.accountUnusable()).isTrue();
    });
  }

  @ParameterizedTest
  @ValueSource(strings = {"PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", ""})
  void otherMethodsAreNotAllowed(String method) {
    WebhookRequest request = new WebhookRequest(method, Map.of(), Map.of(), new byte[0],
        RECEIVED_AT);

    DecodeResult result = PLUGIN.decodeWebhook(request, account("106540352242922"));

    assertThat(result).isInstanceOfSatisfying(DecodeResult.Rejected.class,
        r -> assertThat(r.reason()).isEqualTo(DecodeResult.Reason.METHOD_NOT_ALLOWED));
  }

  @Test
  void nullMethodIsNotAllowedRatherThanAnException() {
    WebhookRequest request = new WebhookRequest(null, Map.of(), Map.of(), null, RECEIVED_AT);

    assertThat(PLUGIN.decodeWebhook(request, account("1")))
        .isInstanceOfSatisfying(DecodeResult.Rejected.class,
            r -> assertThat(r.reason()).isEqualTo(DecodeResult.Reason.METHOD_NOT_ALLOWED));
  }
}
