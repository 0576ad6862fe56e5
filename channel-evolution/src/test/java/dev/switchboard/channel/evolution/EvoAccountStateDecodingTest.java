package dev.switchboard.channel.evolution;

import static dev.switchboard.channel.evolution.EvoWebhooks.RECEIVED_AT;
import static dev.switchboard.channel.evolution.EvoWebhooks.json;
import static dev.switchboard.channel.evolution.EvoWebhooks.only;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.plugin.model.PlatformNotice;
import dev.switchboard.plugin.model.PlatformNotice.Kind;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** connection.update and qrcode.updated. */
class EvoAccountStateDecodingTest {

  private static final String QR_CODE = "2@IYfxtLFZZ9f5Y4qtJ1ja3XoZUyoehqmRxRK990cGt8FNmV";

  @Test
  void connectingIsTheAccountState() {
    PlatformNotice n = only("v1-connection-connecting.json", PlatformNotice.class);

    assertThat(n.kind()).isEqualTo(Kind.ACCOUNT_STATE);
    assertThat(n.detail()).isEqualTo("connecting");
    assertThat(n.eventType()).isEqualTo("notice:account_state");
    assertThat(n.accountRef()).isEqualTo("whatsapp_instance_sergio");
    assertThat(n.errors()).isEmpty();
    assertThat(n.occurredAt()).isEqualTo(RECEIVED_AT);
    assertThat(n.idempotencyKey()).startsWith("whatsapp_instance_sergio:connection:")
        .hasSize("whatsapp_instance_sergio:connection:".length() + 64);
    assertThat(new JsonObject(n.rawJson()))
        .isEqualTo(json("v1-connection-connecting.json").getJsonObject("data"));
  }

  @Test
  void closeCarriesItsStatusReason() {
    PlatformNotice n = only("connection-close-405.json", PlatformNotice.class);

    assertThat(n.detail()).isEqualTo("close");
    assertThat(n.errors()).singleElement().satisfies(e -> assertThat(e.code()).isEqualTo("405"));

    JsonObject loggedOut = json("connection-close-405.json");
    loggedOut.getJsonObject("data").put("statusReason", 401);
    assertThat(only(loggedOut, PlatformNotice.class).errors().get(0).message()).contains("logged out");
  }

  @Test
  void anUnknownOrMissingStateIsUndecodable() {
    JsonObject unknown = json("connection-close-405.json");
    unknown.getJsonObject("data").put("state", "sleeping");

    assertThat(only(unknown, PlatformNotice.class).kind()).isEqualTo(Kind.UNDECODABLE);
  }

  @Test
  void connectionKeysDifferBetweenDeliveriesButNotBetweenRetries() {
    String first = only("connection-close-405.json", PlatformNotice.class).idempotencyKey();
    String retry = only("connection-close-405.json", PlatformNotice.class).idempotencyKey();
    String next = only(json("connection-close-405.json").put("date_time", "2024-01-19T14:13:00.000Z"),
        PlatformNotice.class).idempotencyKey();

    assertThat(retry).isEqualTo(first);
    assertThat(next).isNotEqualTo(first);
  }

  @Test
  void aNewQrIsTheQrStateAndTheQrItselfIsNotKept() {
    PlatformNotice n = only("qrcode-updated.json", PlatformNotice.class);

    assertThat(n.kind()).isEqualTo(Kind.ACCOUNT_STATE);
    assertThat(n.detail()).isEqualTo("qr");
    assertThat(n.accountRef()).isEqualTo("BRUNO2");
    assertThat(n.idempotencyKey()).startsWith("BRUNO2:qrcode:");
    assertThat(n.rawJson()).doesNotContain(QR_CODE).doesNotContain("iVBORw0KGgo")
        .doesNotContain("95MNL1VK").doesNotContain("\"code\"").doesNotContain("\"base64\"")
        .doesNotContain("pairingCode");
    assertThat(new JsonObject(n.rawJson()).getJsonObject("qrcode").getString("instance"))
        .isEqualTo("BRUNO2");
  }

  @Test
  void aQrAtTheTopOfDataIsNotKeptEither() {
    JsonObject body = json("qrcode-updated.json");
    JsonObject qr = body.getJsonObject("data").getJsonObject("qrcode");
    body.put("data", qr);

    PlatformNotice n = only(body, PlatformNotice.class);

    assertThat(n.detail()).isEqualTo("qr");
    assertThat(n.rawJson()).doesNotContain(QR_CODE).doesNotContain("95MNL1VK")
        .doesNotContain("iVBORw0KGgo");
  }

  @Test
  void theQrLimitMessageIsRefused() {
    PlatformNotice n = only("qrcode-limit.json", PlatformNotice.class);

    assertThat(n.kind()).isEqualTo(Kind.ACCOUNT_STATE);
    assertThat(n.detail()).isEqualTo("refused");
    assertThat(n.errors()).singleElement().satisfies(e -> {
      assertThat(e.code()).isEqualTo("500");
      assertThat(e.message()).contains("QR code limit reached");
    });
  }
}
