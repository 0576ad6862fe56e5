package dev.switchboard.channel.whatsapp;

import dev.switchboard.plugin.json.JsonFields;

import static dev.switchboard.channel.whatsapp.JsonAccess.isTrue;
import static dev.switchboard.channel.whatsapp.JsonAccess.scalar;
import static dev.switchboard.channel.whatsapp.JsonAccess.value;
import static dev.switchboard.plugin.json.JsonFields.array;
import static dev.switchboard.plugin.json.JsonFields.nonBlank;
import static dev.switchboard.plugin.json.JsonFields.object;

import dev.switchboard.plugin.model.Author;
import dev.switchboard.plugin.model.ContactRef;
import dev.switchboard.plugin.model.Direction;
import dev.switchboard.plugin.model.InboundMessage;
import dev.switchboard.plugin.model.PlatformError;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns one {@code messages[]} item (inbound, from the contact) or one {@code message_echoes[]}
 * item (outbound, typed by a human in the WhatsApp Business app) into an {@link InboundMessage}.
 */
final class MessageDecoder {

  /** The item lacks what every message needs (its id, or who the other party is). */
  static final class UndecodableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UndecodableException(String message) {
      super(message, null, false, false);
    }
  }

  /** The other party: platform id, phone (null for business-scoped ids), and the user id seen. */
  private record Party(String id, String phone, String waId, String userId) {
  }

  private MessageDecoder() {
  }

  /** An inbound message from the contact. */
  static InboundMessage inbound(JsonObject message, ChangeContext ctx) {
    Party party = party(nonBlank(message, "from"), firstNonBlank(message, "from_user_id", "user_id"));
    if (party == null && "system".equals(JsonFields.string(message, "type"))) {
      JsonObject system = object(message, "system");
      party = party(null, firstNonBlank(system, "customer", "previous_user_id", "user_id"));
    }
    return build(message, ctx, party, Direction.INBOUND, Author.CONTACT);
  }

  /** An smb_message_echoes item: what the business typed in the app, to the {@code to} user. */
  static InboundMessage echo(JsonObject echo, ChangeContext ctx) {
    Party party = party(nonBlank(echo, "to"), nonBlank(echo, "to_user_id"));
    return build(echo, ctx, party, Direction.OUTBOUND, Author.BUSINESS_HUMAN);
  }

  private static InboundMessage build(JsonObject message, ChangeContext ctx, Party party,
                                      Direction direction, Author author) {
    String id = scalar(message, "id");
    if (id == null || id.isBlank()) {
      throw new UndecodableException("message without id");
    }
    if (party == null) {
      throw new UndecodableException("message without a user id");
    }
    ContactDirectory.Profile profile = ctx.contacts().find(party.waId(), party.userId());
    ContactRef contact = new ContactRef(party.id(), party.phone(), profile.name(),
        profile.username());
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
        .contact(contact)
        .direction(direction)
        .author(author)
        .type(content.type)
        .text(content.text)
        .media(content.media)
        .location(content.location)
        .contacts(content.contacts)
        .interactive(content.interactive)
        .reaction(content.reaction)
        .replyToMessageId(forwarded == 0 ? nonBlank(context, "id") : null)
        .relatedMessageId(content.relatedMessageId)
        .forwarded(forwarded)
        .errors(errors)
        .extrasJson(content.extras.isEmpty() ? null : new JsonObject(content.extras).encode())
        .occurredAt(Timestamps.parse(value(message, "timestamp"), ctx.receivedAt()))
        .rawJson(message.encode())
        .build();
  }

  /** A phone-number id when {@code phone} is given, else a business-scoped id, else null. */
  private static Party party(String phone, String userId) {
    if (phone != null) {
      return new Party(phone, phone, phone, userId);
    }
    if (userId != null) {
      return new Party(userId, null, null, userId);
    }
    return null;
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
