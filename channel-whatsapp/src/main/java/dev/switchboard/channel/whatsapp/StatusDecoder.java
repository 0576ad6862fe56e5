package dev.switchboard.channel.whatsapp;

import static dev.switchboard.channel.whatsapp.JsonAccess.scalar;
import static dev.switchboard.channel.whatsapp.JsonAccess.value;
import static dev.switchboard.plugin.json.JsonFields.array;
import static dev.switchboard.plugin.json.JsonFields.nonBlank;
import static dev.switchboard.plugin.json.JsonFields.string;

import dev.switchboard.plugin.model.InboundEvent;
import dev.switchboard.plugin.model.MessageStatus;
import dev.switchboard.plugin.model.StatusUpdate;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One {@code statuses[]} item: a receipt for a message the business sent. {@code played} (voice
 * note listened to) counts as READ; {@code deleted} and unknown values become an UNHANDLED notice
 * with detail {@code status:<value>}.
 */
final class StatusDecoder {

  private StatusDecoder() {
  }

  static InboundEvent decode(JsonObject status, ChangeContext ctx) {
    String raw = status.encode();
    Instant at = Timestamps.parse(value(status, "timestamp"), ctx.receivedAt());
    String label = string(status, "status");
    MessageStatus mapped = map(label);
    if (mapped == null) {
      return Notices.unhandled(ctx.accountRef(), "status:" + JsonAccess.clip(label), at, raw, ctx.scope());
    }
    String id = scalar(status, "id");
    if (id == null || id.isBlank()) {
      throw new MessageDecoder.UndecodableException("status without id");
    }
    String recipient = nonBlank(status, "recipient_id");
    if (recipient == null) {
      recipient = nonBlank(status, "recipient_user_id");
    }
    return new StatusUpdate("status:" + id + ":" + label, ctx.accountRef(), id, mapped, recipient,
        PlatformErrors.of(array(status, "errors")), extras(status), at, raw);
  }

  private static MessageStatus map(String label) {
    if (label == null) {
      return null;
    }
    return switch (label) {
      case "sent" -> MessageStatus.SENT;
      case "delivered" -> MessageStatus.DELIVERED;
      case "read", "played" -> MessageStatus.READ;
      case "failed" -> MessageStatus.FAILED;
      default -> null;
    };
  }

  private static String extras(JsonObject status) {
    Map<String, Object> extras = new LinkedHashMap<>();
    for (String key : new String[] {"conversation", "pricing", "biz_opaque_callback_data"}) {
      Object v = status.getValue(key);
      if (v != null) {
        extras.put(key, v);
      }
    }
    return extras.isEmpty() ? null : new JsonObject(extras).encode();
  }
}
