package dev.switchboard.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AccountMarksTest {
  private static final String ACME = "acme\u0000whatsapp";
  private static final String GLOBEX = "globex\u0000whatsapp";

  @Test
  void anAccountThatSendsIsMarkedUpOncePerIntervalNotOnEveryBatch() {
    AccountMarks marks = new AccountMarks();
    assertThat(marks.upDue(ACME, 0)).isTrue();
    assertThat(marks.upDue(ACME, 1_000_000)).isFalse();
    assertThat(marks.upDue(ACME, AccountMarks.INTERVAL_NANOS - 1)).isFalse();
    assertThat(marks.upDue(ACME, AccountMarks.INTERVAL_NANOS)).isTrue();
    assertThat(marks.upDue(GLOBEX, 5)).as("each account has its own interval").isTrue();
  }

  @Test
  void anAccountThisNodeMarkedDownIsMarkedUpByTheNextSuccessAtOnce() {
    AccountMarks marks = new AccountMarks();
    assertThat(marks.upDue(ACME, 0)).isTrue();
    marks.down(ACME);
    assertThat(marks.upDue(ACME, 1)).isTrue();
    assertThat(marks.upDue(GLOBEX, 1)).isTrue();
  }
}
