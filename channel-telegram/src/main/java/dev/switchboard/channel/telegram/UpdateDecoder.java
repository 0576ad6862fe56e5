package dev.switchboard.channel.telegram;

import static dev.switchboard.channel.telegram.TgJson.integer;
import static dev.switchboard.channel.telegram.TgJson.time;

import dev.switchboard.plugin.model.InboundEvent;
import dev.switchboard.plugin.model.PlatformNotice;
import dev.switchboard.plugin.model.PlatformNotice.Kind;
import io.vertx.core.json.JsonObject;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Turns one authentic, parsed {@code Update} object into exactly one event. Never throws and never
 * rejects: Telegram holds back a chat's later updates until this one is answered with a 2xx. What
 * is not understood is still acknowledged: a message-like update ({@code message},
 * {@code channel_post}, {@code business_message} and their {@code edited_*} kinds) that cannot be
 * read becomes an {@linkplain MessageDecoder#undecodable undecodable} message, so that it is stored
 * and reaches the bot; anything else becomes a {@link PlatformNotice} (UNHANDLED for update kinds
 * this channel does not map, UNDECODABLE for a known kind of the wrong shape).
 *
 * <p>Every event's idempotency key is {@code <botId>:<update_id>} (update ids are per bot); an
 * update without an integer {@code update_id} is keyed {@code <botId>:sha256:<hex of the body>}.
 */
final class UpdateDecoder {

  static final String UPDATE_ID = "update_id";

  private static final Set<String> MESSAGE_KINDS =
      Set.of("message", "channel_post", "business_message");
  private static final Set<String> EDITED_KINDS =
      Set.of("edited_message", "edited_channel_post", "edited_business_message");
  private static final Set<String> OTHER_KINDS = Set.of(UpdateCallbackQueryDecoder.KIND,
      UpdateReactionDecoder.KIND, UpdateMemberDecoder.MY_CHAT_MEMBER, UpdateMemberDecoder.CHAT_MEMBER);

  private UpdateDecoder() {
  }

  static InboundEvent decode(JsonObject update, byte[] body, String botId, Instant receivedAt) {
    String raw = update.encode();
    Long updateId = integer(update, UPDATE_ID);
    String key = updateId == null ? botId + ":sha256:" + sha256Hex(body) : botId + ":" + updateId;
    UpdateContext ctx = new UpdateContext(botId, key, receivedAt, raw);
    String kind = kind(update);
    Object value = kind == null ? null : update.getValue(kind);
    JsonObject item = value instanceof JsonObject o ? o : null;
    Instant when = time(item, "date", receivedAt);
    if (updateId == null) {
      return unreadable(kind, item, ctx, "update_id missing", when);
    }
    if (kind == null) {
      return notice(ctx.key(), botId, Kind.UNDECODABLE, "update kind missing", receivedAt, raw);
    }
    if (!handled(kind)) {
      return notice(ctx.key(), botId, Kind.UNHANDLED, TgJson.clip(kind), when, TgJson.encode(value));
    }
    if (item == null) {
      return unreadable(kind, null, ctx, kind + ": not an object", when);
    }
    try {
      return decodeItem(kind, item, ctx);
    } catch (TgUndecodableException e) {
      return unreadable(kind, item, ctx, e.getMessage(), when);
    } catch (RuntimeException e) { // a shape nobody foresaw: still acknowledged, never a rejection
      return unreadable(kind, item, ctx, kind + ": unreadable", when);
    }
  }

  /**
   * An update of {@code kind} that could not be read: an undecodable message when the kind carries
   * a message, else an UNDECODABLE notice with {@code detail}.
   */
  private static InboundEvent unreadable(String kind, JsonObject item, UpdateContext ctx, String detail,
                                         Instant when) {
    if (kind != null && (MESSAGE_KINDS.contains(kind) || EDITED_KINDS.contains(kind))) {
      return MessageDecoder.undecodable(item, ctx, detail, when);
    }
    return notice(ctx.key(), ctx.botId(), Kind.UNDECODABLE, detail, when, ctx.rawJson());
  }

  private static InboundEvent decodeItem(String kind, JsonObject item, UpdateContext ctx) {
    if (MESSAGE_KINDS.contains(kind)) {
      return MessageDecoder.decode(kind, item, ctx, false);
    }
    if (EDITED_KINDS.contains(kind)) {
      return MessageDecoder.decode(kind, item, ctx, true);
    }
    return switch (kind) {
      case UpdateCallbackQueryDecoder.KIND -> UpdateCallbackQueryDecoder.decode(item, ctx);
      case UpdateReactionDecoder.KIND -> UpdateReactionDecoder.decode(item, ctx);
      default -> UpdateMemberDecoder.decode(kind, item, ctx);
    };
  }

  private static boolean handled(String kind) {
    return MESSAGE_KINDS.contains(kind) || EDITED_KINDS.contains(kind) || OTHER_KINDS.contains(kind);
  }

  /**
   * The update's kind: the field next to {@code update_id} (Telegram sends exactly one). Should
   * there be several, a handled one wins; null when there is none.
   */
  private static String kind(JsonObject update) {
    String first = null;
    for (String field : update.fieldNames()) {
      if (UPDATE_ID.equals(field)) {
        continue;
      }
      if (handled(field)) {
        return field;
      }
      if (first == null) {
        first = field;
      }
    }
    return first;
  }

  static PlatformNotice notice(String key, String botId, Kind kind, String detail, Instant occurredAt,
                               String rawJson) {
    return new PlatformNotice(key, botId, kind, detail, List.of(), occurredAt, rawJson);
  }

  static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }
}
