package dev.switchboard.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdsTest {
  @Test
  void anIdRoundTripsAndNamesItsKind() {
    String id = Ids.MESSAGE.format(123_456_789L);
    assertThat(id).startsWith("msg_");
    assertThat(Ids.MESSAGE.parse(id)).isEqualTo(123_456_789L);
    assertThat(Ids.CONVERSATION.parse(id)).isNull();
    assertThat(Ids.MESSAGE.parse(Ids.MESSAGE.format(Long.MAX_VALUE))).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void hostileTextIsNoId() {
    for (String bad : new String[] {null, "", "msg_", "msg_-1", "msg_0", "msg_ABC", "msg_1 OR 1=1", "msg_zzzzzzzzzzzzzz",
        "123", "conv_1", "msg_1/../2"}) {
      assertThat(Ids.MESSAGE.parse(bad)).as(String.valueOf(bad)).isNull();
    }
  }
}
