package dev.switchboard.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.plugin.model.ContactRef;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.MessageStatus;
import dev.switchboard.plugin.model.MessageType;
import dev.switchboard.plugin.model.StatusUpdate;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The call of inbox_append and its values come from one declared list of columns. */
class InboxArgumentsTest {

  @Test
  void theCallNamesEachArgumentOnceInTheOrderOfTheValues() {
    assertThat(InboxArguments.NAMES).doesNotHaveDuplicates().hasSize(53);
    assertThat(InboxArguments.CALL).contains("inbox_append(e_tenant => $1::text[], e_channel => $2::text[]")
        .contains("m_forwarded => $29::int[]").contains("m_ts => $31::timestamptz[]")
        .endsWith("x_detail => $53::text[])");
  }

  @Test
  void eachValueLandsInItsNamedArrayWithOneEntryPerRowOfItsGroup() {
    Instant at = Instant.parse("2026-12-01T10:00:00Z");
    InboundMessage message = InboundMessage.builder().idempotencyKey("wamid.A").accountRef("acct")
        .platformMessageId("wamid.A").chatId("15550001111").contact(new ContactRef("15550001111", "+15550001111",
            "Ada\u0000", null)).type(MessageType.TEXT).text("hello").forwarded(1).occurredAt(at).build();
    StatusUpdate receipt = new StatusUpdate("wamid.B:read", "acct", "wamid.B", MessageStatus.READ, "15550001111", List.of(), null,
        at, null);
    InboxRepository.Item m = new InboxRepository.Item("t", "whatsapp", message, at);
    InboxRepository.Item s = new InboxRepository.Item("t", "whatsapp", receipt, at);

    Object[] values = InboxArguments.values(
        List.of(new InboxArguments.EventRow(m, "accepted", null, null), new InboxArguments.EventRow(s, "accepted", null, "{}")),
        List.of(new InboxArguments.MessageRow(m, message)), List.of(new InboxArguments.ReceiptRow(s, receipt, null)),
        List.of());

    assertThat(values).hasSize(InboxArguments.NAMES.size());
    assertThat((Object[]) values[index("e_key")]).containsExactly("wamid.A", "wamid.B:read");
    assertThat((Object[]) values[index("e_payload")]).containsExactly(null, "{}");
    assertThat((Object[]) values[index("m_text")]).containsExactly("hello");
    assertThat((Object[]) values[index("m_name")]).containsExactly("Ada\uFFFD"); // NUL cannot be stored
    assertThat((Object[]) values[index("m_forwarded")]).isInstanceOf(Integer[].class).containsExactly(1);
    assertThat((Object[]) values[index("m_ts")]).isInstanceOf(OffsetDateTime[].class)
        .containsExactly(OffsetDateTime.parse("2026-12-01T10:00:00Z"));
    assertThat((Object[]) values[index("m_status")]).containsExactly("delivered");
    assertThat((Object[]) values[index("s_pid")]).containsExactly("wamid.B");
    assertThat((Object[]) values[index("s_status")]).containsExactly("read");
    assertThat((Object[]) values[index("x_tenant")]).isEmpty();
  }

  private static int index(String name) {
    return InboxArguments.NAMES.indexOf(name);
  }
}
