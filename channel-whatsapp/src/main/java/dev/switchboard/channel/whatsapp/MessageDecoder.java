package dev.switchboard.channel.whatsapp;

import static dev.switchboard.channel.whatsapp.JsonAccess.isTrue;
import static dev.switchboard.channel.whatsapp.JsonAccess.scalar;
import static dev.switchboard.channel.whatsapp.JsonAccess.value;
import static dev.switchboard.plugin.json.JsonFields.array;
import static dev.switchboard.plugin.json.JsonFields.nonBlank;
import static dev.switchboard.plugin.json.JsonFields.object;
import static dev.switchboard.plugin.json.JsonFields.string;

import dev.switchboard.plugin.model.Author;
import dev.switchboard.plugin.model.ContactRef;
import dev.switchboard.plugin.model.Direction;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.PlatformError;
import dev.switchboard.plugin.model.PlatformNotice.Kind;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one {@code messages[]} item (inbound, from the contact) or one {@code message_echoes[]}
 * item (outbound, typed by a human in the WhatsApp Business app) into an {@link InboundMessage}.
 *
 * <p>The user is found in this order: the item's own phone id ({@code from} / {@code to}), its
 * business-scoped id ({@code from_user_id} / {@code to_user_id}), then the change's
 * {@code contacts[]} entry for the user (matched by {@code wa_id} / {@code user_id}; an item that
 * names nobody belongs to the change's only entry). The contact is keyed by the phone when there is
 * one, else by the business-scoped id; with both, the business-scoped id goes along as
 * {@link ContactRef#altUserId()} so the two are one contact.
 */
final class MessageDecoder {

  /** The item lacks what every message needs (its id, or who the other party is). */
  static final class UndecodableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UndecodableException(String message) {
      super(message, null, false, false);
    }
  }

  /** Which array the item came in, and what follows from it. */
  enum Side {
    INBOUND("from", "from_user_id", Direction.INBOUND, Author.CONTACT),
    ECHO("to", "to_user_id", Direction.OUTBOUND, Author.BUSINESS_HUMAN);

    private final String phoneField;
    private final String userIdField;
    private final Direction direction;
    private final Author author;

    Side(String phoneField, String userIdField, Direction direction, Author author) {
      this.phoneField = phoneField;
      this.userIdField = userIdField;
      this.direction = direction;
      this.author = author;
    }
  }

  /** The other party: phone id and business-scoped id (either may be null, not both), and profile. */
  private record Party(String phone, String userId, ContactDirectory.Entry entry) {
    String id() {
      return phone != null ? phone : userId;
    }

    ContactRef contact() {
      return new ContactRef(id(), phone, entry.name(), entry.username(), phone != null ? userId : null);
    }
  }

  private MessageDecoder() {
  }

  /** An inbound message from the contact. */
  static InboundMessage inbound(JsonObject message, ChangeContext ctx) {
    return build(message, ctx, Side.INBOUND);
  }

  /** An smb_message_echoes item: what the business typed in the app, to the {@code to} user. */
  static InboundMessage echo(JsonObject echo, ChangeContext ctx) {
    return build(echo, ctx, Side.ECHO);
  }

  /**
   * An item that could not be decoded, kept as an UNSUPPORTED message flagged with {@code reason}:
   * its id when it has one (else a key hashed from the item, stable across Meta's retries), its
   * user and chat when they can still be found, its time and raw JSON.
   */
  static InboundMessage undecodable(JsonObject item, ChangeContext ctx, Side side, String reason) {
    String raw = item.encode();
    String id = scalar(item, "id");
    String key = id != null && !id.isBlank() ? id : Notices.key(Kind.UNDECODABLE, raw, ctx.scope());
    Party party;
    try {
      party = party(item, ctx, side);
    } catch (RuntimeException e) { // as unreadable as the rest: no sender then
      party = null;
    }
    String groupId = nonBlank(item, "group_id");
    return InboundMessage.undecodable(reason)
        .idempotencyKey(key)
        .accountRef(ctx.accountRef())
        .platformMessageId(key)
        .chatId(groupId != null ? groupId : party == null ? null : party.id())
        .contact(party == null ? null : party.contact())
        .direction(side.direction)
        .author(side.author)
        .occurredAt(Timestamps.parse(value(item, "timestamp"), ctx.receivedAt()))
        .rawJson(raw)
        .build();
  }

  private static InboundMessage build(JsonObject message, ChangeContext ctx, Side side) {
    String id = scalar(message, "id");
    if (id == null || id.isBlank()) {
      throw new UndecodableException("message without id");
    }
    Party party = party(message, ctx, side);
    if (party == null) {
      throw new UndecodableException("message without a user id");
    }
    String groupId = nonBlank(message, "group_id");

    Content content = ContentDecoder.decode(message, true);
    JsonObject context = object(message, "context");
    int forwarded = isTrue(context, "frequently_forwarded") ? 2
        : isTrue(context, "forwarded") ? 1 : 0;
    JsonObject referredProduct = object(context, "referred_product");
    if (referredProduct != null) {
      content.extras.put("referredProduct", referredProduct);
    }
    JsonObject referral = object(message, "referral");
    if (referral != null) {
      content.extras.put("referral", referral);
    }
    List<PlatformError> errors = new ArrayList<>(PlatformErrors.of(array(message, "errors")));
    errors.addAll(content.errors);

    return InboundMessage.builder()
        .idempotencyKey(id)
        .accountRef(ctx.accountRef())
        .platformMessageId(id)
        .chatId(groupId != null ? groupId : party.id())
        .contact(party.contact())
        .direction(side.direction)
        .author(side.author)
        .type(content.type)
        .text(content.text)
        .media(content.media)
        .location(content.location)
        .contacts(content.contacts)
        .interactive(content.interactive)
        .reaction(content.reaction)
        .replyToMessageId(nonBlank(context, "id")) // also on a forwarded message: the flag is separate
        .relatedMessageId(content.relatedMessageId)
        .forwarded(forwarded)
        .errors(errors)
        .extrasJson(content.extras.isEmpty() ? null : new JsonObject(content.extras).encode())
        .occurredAt(Timestamps.parse(value(message, "timestamp"), ctx.receivedAt()))
        .rawJson(message.encode())
        .build();
  }

  /**
   * The other party of {@code item}: its own ids, then the change's contact entry for it; for a
   * system message that names nobody (a business-scoped id change), the id the system body names.
   * Null when no id is found.
   */
  private static Party party(JsonObject item, ChangeContext ctx, Side side) {
    String phone = nonBlank(item, side.phoneField);
    String userId = side == Side.INBOUND ? firstNonBlank(item, side.userIdField, "user_id")
        : nonBlank(item, side.userIdField);
    ContactDirectory.Entry entry = ctx.contacts().find(phone, userId);
    phone = phone != null ? phone : entry.waId();
    userId = userId != null ? userId : entry.userId();
    if (phone == null && userId == null && side == Side.INBOUND && "system".equals(string(item, "type"))) {
      userId = firstNonBlank(object(item, "system"), "customer", "previous_user_id", "user_id");
    }
    return phone == null && userId == null ? null : new Party(phone, userId, entry);
  }

  private static String firstNonBlank(JsonObject o, String... keys) {
    for (String key : keys) {
      String v = nonBlank(o, key);
      if (v != null) {
        return v;
      }
    }
    return null;
  }
}
