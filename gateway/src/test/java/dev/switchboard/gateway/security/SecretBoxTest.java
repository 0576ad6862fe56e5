package dev.switchboard.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.gateway.security.SecretBox.SecretsUnreadableException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class SecretBoxTest {
  private static final String KEY = "master-key-0123456789-abcdef";
  private static final String AD = "acme/whatsapp";

  private final SecretBox box = new SecretBox(KEY);

  @Test
  void roundTrip() {
    byte[] sealed = box.seal("EAAG-access-token", AD);

    assertThat(box.open(sealed, AD)).isEqualTo("EAAG-access-token");
  }

  @Test
  void roundTripOfEmptyAndNonAsciiText() {
    assertThat(box.open(box.seal("", AD), AD)).isEmpty();
    String unicode = "pässwörd ✓ 秘密 😀";
    assertThat(box.open(box.seal(unicode, AD), AD)).isEqualTo(unicode);
  }

  @Test
  void anotherBoxWithTheSameMasterKeyOpensIt() {
    byte[] sealed = box.seal("secret", AD);

    assertThat(new SecretBox(KEY).open(sealed, AD)).isEqualTo("secret");
  }

  @Test
  void ciphertextDoesNotContainThePlaintext() {
    byte[] sealed = box.seal("plain-visible-secret", AD);

    assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("plain-visible-secret");
  }

  @Test
  void everySealIsDifferent() {
    byte[] a = box.seal("same secret", AD);
    byte[] b = box.seal("same secret", AD);

    assertThat(a).isNotEqualTo(b);
    assertThat(Arrays.copyOfRange(a, 1, 13)).as("nonce").isNotEqualTo(Arrays.copyOfRange(b, 1, 13));
    assertThat(box.open(a, AD)).isEqualTo(box.open(b, AD));
  }

  @Test
  void wrongMasterKeyCannotOpen() {
    byte[] sealed = box.seal("secret", AD);
    SecretBox other = new SecretBox("another-master-key-0123456789");

    assertThatThrownBy(() -> other.open(sealed, AD))
        .isInstanceOf(SecretsUnreadableException.class)
        .hasMessageContaining("SWITCHBOARD_MASTER_KEY");
  }

  @Test
  void ciphertextOfOneTenantCannotBeOpenedAsAnothers() {
    byte[] sealed = box.seal("acme's token", "acme/whatsapp");

    assertThatThrownBy(() -> box.open(sealed, "evil/whatsapp")).isInstanceOf(SecretsUnreadableException.class);
    assertThatThrownBy(() -> box.open(sealed, "acme/telegram")).isInstanceOf(SecretsUnreadableException.class);
  }

  @Test
  void anyTamperedByteIsDetected() {
    byte[] sealed = box.seal("secret value", AD);

    for (int i = 0; i < sealed.length; i++) {
      byte[] tampered = sealed.clone();
      tampered[i] ^= 0x01;
      int index = i;
      assertThatThrownBy(() -> box.open(tampered, AD))
          .as("flipped a bit of byte %d", index)
          .isInstanceOf(SecretsUnreadableException.class);
    }
  }

  @Test
  void truncatedOrMissingDataIsUnreadable() {
    byte[] sealed = box.seal("secret value", AD);

    assertThatThrownBy(() -> box.open(Arrays.copyOf(sealed, sealed.length - 1), AD))
        .isInstanceOf(SecretsUnreadableException.class);
    assertThatThrownBy(() -> box.open(Arrays.copyOf(sealed, 5), AD)).isInstanceOf(SecretsUnreadableException.class);
    assertThatThrownBy(() -> box.open(new byte[0], AD)).isInstanceOf(SecretsUnreadableException.class);
    assertThatThrownBy(() -> box.open(null, AD)).isInstanceOf(SecretsUnreadableException.class);
  }

  @Test
  void shortOrMissingMasterKeyIsRejected() {
    assertThatThrownBy(() -> new SecretBox("only-15-chars!!")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("16");
    assertThatThrownBy(() -> new SecretBox("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new SecretBox(null)).isInstanceOf(IllegalArgumentException.class);
    assertThat(new SecretBox("exactly-16-chars").open(new SecretBox("exactly-16-chars").seal("x", AD), AD))
        .isEqualTo("x");
  }
}
