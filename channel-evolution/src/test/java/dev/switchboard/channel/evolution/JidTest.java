package dev.switchboard.channel.evolution;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JidTest {

  @Test
  void phoneNumberJidsDropTheDeviceAndKnowTheirNumber() {
    Jid jid = Jid.parse("558893074699:17@S.WhatsApp.net");

    assertThat(jid).hasToString("558893074699@s.whatsapp.net");
    assertThat(jid.isPhone()).isTrue();
    assertThat(jid.user()).isEqualTo("558893074699");
  }

  @Test
  void bareDigitsAndTheOldCusServerArePhoneJids() {
    assertThat(Jid.parse("+5511988887777")).hasToString("5511988887777@s.whatsapp.net");
    assertThat(Jid.parse("5511988887777@c.us")).hasToString("5511988887777@s.whatsapp.net");
  }

  @Test
  void kinds() {
    assertThat(Jid.parse("76201477542116@lid").isLid()).isTrue();
    assertThat(Jid.parse("76201477542116@lid").isPhone()).isFalse();
    assertThat(Jid.parse("554184212269-1488774100@g.us").isGroup()).isTrue();
    assertThat(Jid.parse("status@broadcast").broadcastKind()).isEqualTo("status@broadcast");
    assertThat(Jid.parse("1781459400@broadcast").broadcastKind()).isEqualTo("broadcast");
    assertThat(Jid.parse("120363144038483540@newsletter").broadcastKind()).isEqualTo("newsletter");
    assertThat(Jid.parse("5511988887777@s.whatsapp.net").isBroadcastLike()).isFalse();
  }

  @Test
  void hostileOrEmptyTextIsNoJid() {
    assertThat(Jid.parse(null)).isNull();
    assertThat(Jid.parse("")).isNull();
    assertThat(Jid.parse("   ")).isNull();
    assertThat(Jid.parse("hello")).isNull();
    assertThat(Jid.parse("@s.whatsapp.net")).isNull();
    assertThat(Jid.parse("a b@s.whatsapp.net")).isNull();
    assertThat(Jid.parse("123@")).isNull();
    assertThat(Jid.parse("1".repeat(300) + "@s.whatsapp.net")).isNull();
    assertThat(Jid.parse("x@evil\nserver")).isNull();
  }
}
