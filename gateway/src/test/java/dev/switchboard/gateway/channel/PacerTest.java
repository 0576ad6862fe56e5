package dev.switchboard.gateway.channel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.plugin.channel.Pacing;
import org.junit.jupiter.api.Test;

class PacerTest {
  private static final long S = 1_000_000_000L;
  private final Pacer pacer = new Pacer();

  private static Pacer.Levels levels(String chat, Pacing recipient) {
    return new Pacer.Levels(Pacer.tenantKey("acme"), Pacing.perSecond(50, 50), Pacer.accountKey("acme", "bot"),
        Pacing.perSecond(30, 30), Pacer.recipientKey("acme", chat), recipient);
  }

  @Test
  void oneChatAtOnePerSecondWaitsWhileAnotherChatGoesAtOnce() {
    Pacing oneASecond = Pacing.perSecond(1, 1);
    assertThat(pacer.acquire(levels("a", oneASecond), 0)).isZero();
    long wait = pacer.acquire(levels("a", oneASecond), S / 10);
    assertThat(wait).isBetween(S * 9 / 10 - 1, S * 9 / 10 + 1);
    assertThat(pacer.acquire(levels("b", oneASecond), S / 10)).isZero();
    assertThat(pacer.acquire(levels("a", oneASecond), S)).isZero();
  }

  @Test
  void aWaitTakesNoTokenFromAnyLevel() {
    Pacing tight = Pacing.perSecond(1, 1);
    pacer.acquire(levels("a", tight), 0);
    for (int i = 0; i < 100; i++) {
      assertThat(pacer.acquire(levels("a", tight), 0)).isPositive(); // refused: the tenant and account keep their tokens
    }
    int sent = 0;
    for (int i = 0; i < 100; i++) {
      if (pacer.acquire(levels("chat" + i, tight), 0) == 0) {
        sent++;
      }
    }
    assertThat(sent).isEqualTo(29); // the account's 30 tokens, one spent on chat a
  }

  @Test
  void aPlatformBlockOnARecipientHoldsOnlyThatRecipientUntilItEnds() {
    Pacing free = Pacing.perSecond(100, 100);
    pacer.block(Pacer.recipientKey("acme", "a"), 6 * S);
    assertThat(pacer.acquire(levels("a", free), S)).isEqualTo(5 * S);
    assertThat(pacer.acquire(levels("b", free), S)).isZero();
    assertThat(pacer.acquire(levels("a", free), 6 * S)).isZero();
  }

  @Test
  void anAccountBlockHoldsEveryChatOfThatAccount() {
    Pacing free = Pacing.perSecond(100, 100);
    pacer.block(Pacer.accountKey("acme", "bot"), 2 * S);
    assertThat(pacer.acquire(levels("a", free), 0)).isEqualTo(2 * S);
    assertThat(pacer.acquire(levels("b", free), 0)).isEqualTo(2 * S);
  }

  @Test
  void aPaceBelowOnePerSecondSpacesSends() {
    Pacing pairRate = Pacing.perSecond(1.0 / 6, 1);
    assertThat(pacer.acquire(levels("a", pairRate), 0)).isZero();
    assertThat(pacer.acquire(levels("a", pairRate), S)).isBetween(5 * S - 1, 5 * S + 1);
  }

  @Test
  void evictionForgetsFullBucketsAndPastBlocks() {
    Pacing oneASecond = Pacing.perSecond(1, 1);
    pacer.acquire(levels("a", oneASecond), 0);
    pacer.block(Pacer.recipientKey("acme", "b"), S);
    assertThat(pacer.size()).isEqualTo(3);
    assertThat(pacer.evict(S / 2)).isEqualTo(2); // tenant and account full again; the chat's still refilling
    assertThat(pacer.evict(10 * S)).isEqualTo(1);
    assertThat(pacer.acquire(levels("b", oneASecond), 10 * S)).isZero();
  }

  @Test
  void inAClusterEachNodePacesItsShareAndReDividesWhenTheMembershipChanges() {
    int[] members = {2};
    Pacer pacer = new Pacer(() -> members[0]);
    Pacing tenPerSecond = Pacing.perSecond(10, 10);
    int sent = 0;
    for (int i = 0; i < 100; i++) {
      if (pacer.acquire(levels("chat-1", tenPerSecond), 0) == 0) {
        sent++;
      }
    }
    assertThat(sent).as("half the burst on each of two nodes").isEqualTo(5);
    assertThat(pacer.acquire(levels("chat-1", tenPerSecond), 0)).as("one token of 5/s").isEqualTo(200_000_000L);
    members[0] = 1; // the other node left: this one paces the whole limit (0.1 s at 5/s, then 0.1 s at 10/s)
    assertThat(pacer.acquire(levels("chat-1", tenPerSecond), 200_000_000L)).isZero();
  }
}
