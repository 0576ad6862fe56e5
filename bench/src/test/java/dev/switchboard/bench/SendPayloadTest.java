package dev.switchboard.bench;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SendPayloadTest {

  @Test
  void bodyIsATextSendToTheChatsRoundRobin() {
    SendPayload p = new SendPayload("k".repeat(32), "telegram", 700_000_000L, 3, "run-1");
    for (long seq = 0; seq < 7; seq++) {
      JsonObject body = new JsonObject(new String(p.body(seq), StandardCharsets.US_ASCII));
      assertEquals(3, body.size());
      assertEquals("telegram", body.getString("channel"));
      assertEquals(Long.toString(700_000_000L + seq % 3), body.getString("to"));
      assertEquals(SendPayload.text("run-1", seq), body.getString("text"));
    }
  }

  @Test
  void tagsReadBack() {
    assertEquals(new SendPayload.Tag("run-1", 42), SendPayload.tag(SendPayload.text("run-1", 42)));
    assertNull(SendPayload.tag("hello"));
    assertNull(SendPayload.tag(SendPayload.TAG + " run-1"));
    assertNull(SendPayload.tag(SendPayload.TAG + " run-1 x"));
    assertNull(SendPayload.tag(SendPayload.TAG + " run-1 -3"));
    assertNull(SendPayload.tag(null));
  }

  @Test
  void refusesInputsThatWouldBreakTheJson() {
    assertThrows(IllegalArgumentException.class, () -> new SendPayload("a b", "telegram", 1, 1, "r"));
    assertThrows(IllegalArgumentException.class, () -> new SendPayload("key", "tele\"gram", 1, 1, "r"));
    assertThrows(IllegalArgumentException.class, () -> new SendPayload("key", "telegram", 1, 1, "r\""));
    assertThrows(IllegalArgumentException.class, () -> new SendPayload("key", "telegram", 0, 1, "r"));
  }
}
