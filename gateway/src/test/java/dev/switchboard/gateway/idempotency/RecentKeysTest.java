package dev.switchboard.gateway.idempotency;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecentKeysTest {

  @Test
  void remembersWhatWasAdded() {
    RecentKeys keys = new RecentKeys(10);
    keys.add("a");

    assertThat(keys.contains("a")).isTrue();
    assertThat(keys.contains("b")).isFalse();
  }

  @Test
  void overCapacityTheOldestIsEvicted() {
    RecentKeys keys = new RecentKeys(3);
    keys.add("k1");
    keys.add("k2");
    keys.add("k3");
    assertThat(keys.contains("k1")).isTrue();

    keys.add("k4");

    assertThat(keys.contains("k1")).isFalse();
    assertThat(keys.contains("k2")).isTrue();
    assertThat(keys.contains("k3")).isTrue();
    assertThat(keys.contains("k4")).isTrue();

    keys.add("k5");
    assertThat(keys.contains("k2")).isFalse();
    assertThat(keys.contains("k5")).isTrue();
  }

  @Test
  void lookingUpDoesNotKeepAKeyAlive() {
    RecentKeys keys = new RecentKeys(2);
    keys.add("k1");
    keys.add("k2");
    keys.contains("k1");

    keys.add("k3");

    assertThat(keys.contains("k1")).isFalse();
    assertThat(keys.contains("k2")).isTrue();
  }

  @Test
  void keyKeepsTenantChannelAndIdempotencyKeyApart() {
    assertThat(RecentKeys.key("acme", "whatsapp", "wamid.1"))
        .isEqualTo(RecentKeys.key("acme", "whatsapp", "wamid.1"))
        .isNotEqualTo(RecentKeys.key("acme", "telegram", "wamid.1"))
        .isNotEqualTo(RecentKeys.key("other", "whatsapp", "wamid.1"));
    assertThat(RecentKeys.key("ab", "c", "d")).isNotEqualTo(RecentKeys.key("a", "bc", "d"));
    assertThat(RecentKeys.key("a", "b-c", "d")).isNotEqualTo(RecentKeys.key("a-b", "c", "d"));
  }

  @Test
  void tenantsDoNotShareKeys() {
    RecentKeys keys = new RecentKeys(100);
    keys.add(RecentKeys.key("acme", "telegram", "42:7"));

    assertThat(keys.contains(RecentKeys.key("acme", "telegram", "42:7"))).isTrue();
    assertThat(keys.contains(RecentKeys.key("globex", "telegram", "42:7"))).isFalse();
  }
}
