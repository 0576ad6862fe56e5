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

  @Test
  void generatedKeysCarryThePrefixAnd32RandomBytesInBase64Url() {
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < 1000; i++) {
      String key = ApiKeys.generate();
      assertThat(key).startsWith("sb_").matches("sb_[A-Za-z0-9_-]{43}");
      assertThat(java.util.Base64.getUrlDecoder().decode(key.substring(3))).hasSize(32);
      assertThat(seen.add(key)).as("no key repeats").isTrue();
    }
  }

  @Test
  void keyIdsRoundTripAndRejectOtherIds() {
    assertThat(ApiKeys.parseId(ApiKeys.formatId(12345))).isEqualTo(12345L);
    assertThat(ApiKeys.formatId(35)).isEqualTo("key_z");
    assertThat(ApiKeys.parseId("msg_z")).isNull();
    assertThat(ApiKeys.parseId("key_")).isNull();
    assertThat(ApiKeys.parseId("key_0")).isNull();
    assertThat(ApiKeys.parseId("key_ABC")).isNull();
    assertThat(ApiKeys.parseId(null)).isNull();
  }
}
