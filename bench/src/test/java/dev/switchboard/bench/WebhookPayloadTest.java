package dev.switchboard.bench;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WebhookPayloadTest {

  @Test
  void signatureIsLowercaseHexHmacOfTheExactBody() throws Exception {
    WebhookPayload p = new WebhookPayload("s3cret", "100000000000001", "100000000000000", "run1", 1000);
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec("s3cret".getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    for (long i = 0; i < 3; i++) { // the reused Mac must reset between calls
      byte[] body = p.body(i, 1_750_000_000L);
      assertEquals("sha256=" + HexFormat.of().formatHex(mac.doFinal(body)), p.sign(body).toString());
    }
  }

  @Test
  void knownAnswer() {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?"
    WebhookPayload p = new WebhookPayload("Jefe", "1", "1", "r", 1);
    assertEquals("sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
        p.sign("what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII)).toString());
  }

  @Test
  void bodyIsMetaShapedWithUniqueIdsAndCyclingSenders() {
    WebhookPayload p = new WebhookPayload("k", "100000000000001", "100000000000000", "run-7", 1000);
    Set<String> ids = new HashSet<>();
    Set<String> senders = new HashSet<>();
    for (long i = 0; i < 2500; i++) {
      JsonObject o = new JsonObject(new String(p.body(i, 1_750_000_000L), StandardCharsets.US_ASCII));
      assertEquals("whatsapp_business_account", o.getString("object"));
      JsonObject change = o.getJsonArray("entry").getJsonObject(0).getJsonArray("changes").getJsonObject(0);
      assertEquals("messages", change.getString("field"));
      JsonObject v = change.getJsonObject("value");
      assertEquals("whatsapp", v.getString("messaging_product"));
      assertEquals("100000000000001", v.getJsonObject("metadata").getString("phone_number_id"));
      JsonObject m = v.getJsonArray("messages").getJsonObject(0);
      assertEquals("text", m.getString("type"));
      assertEquals("1750000000", m.getString("timestamp"));
      assertEquals(p.messageId(i), m.getString("id"));
      assertTrue(m.getString("id").startsWith("wamid.bench.run-7."));
      assertEquals(m.getString("from"), v.getJsonArray("contacts").getJsonObject(0).getString("wa_id"));
      assertTrue(m.getString("from").matches("1555000[0-9]{4}"));
      assertTrue(ids.add(m.getString("id")));
      senders.add(m.getString("from"));
    }
    assertEquals(1000, senders.size());
  }
}
