package dev.switchboard.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

  @Test
  void hashIsLowercaseHexSha256() {
    // FIPS 180-2 test vectors
    assertThat(ApiKeys.hash("abc"))
        .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(ApiKeys.hash(""))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void hashIsStableAndDistinguishesKeys() {
    String key = "acme-api-key-0123456789abcdef";

    assertThat(ApiKeys.hash(key)).isEqualTo(ApiKeys.hash(new String(key.toCharArray())))
        .hasSize(64).matches("[0-9a-f]{64}")
        .doesNotContain(key);
    assertThat(ApiKeys.hash(key + "x")).isNotEqualTo(ApiKeys.hash(key));
  }

  @Test
  void hashUsesUtf8() {
    assertThat(ApiKeys.hash("clé-ü-0123456789"))
        .isEqualTo(ApiKeys.sha256Hex("clé-ü-0123456789".getBytes(StandardCharsets.UTF_8)));
  }
}
