package dev.switchboard.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.gateway.edge.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class CursorTest {

  @Test
  void aCursorGivesBackThePositionItWasMadeAt() {
    String cursor = Cursor.encode("msg", 123_456_789L);
    assertThat(cursor).matches("[A-Za-z0-9_-]+").doesNotContain("123456789");
    assertThat(Cursor.decode("msg", cursor)).isEqualTo(123_456_789L);
    assertThat(Cursor.decode("msg", null)).isNull();
    assertThat(Cursor.encode("msg", null)).isNull();
  }

  @Test
  void aChangedOrForeignCursorIsRefusedNamingTheParameter() {
    String cursor = Cursor.encode("conv", 42L);
    assertRefused("msg", cursor); // another list's
    assertRefused("conv", "not-a-cursor!");
    assertRefused("conv", cursor.substring(1));
    assertRefused("conv", b64("conv:-5"));
    assertRefused("conv", b64("conv:0"));
    assertRefused("conv", b64("conv:99999999999999999999")); // beyond a long
    assertRefused("conv", b64("conv:12 OR 1=1"));
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.US_ASCII));
  }

  private static void assertRefused(String list, String cursor) {
    assertThatThrownBy(() -> Cursor.decode(list, cursor))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.code()).isEqualTo("invalid_request");
          assertThat(e.getMessage()).startsWith("cursor: ");
        });
  }
}
