package dev.switchboard.plugin.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A message as the platform reported it, in the canonical shape every plugin sees.
 * Content fields that do not apply to its {@link #type()} are null (lists empty).
 *
 * @param idempotencyKey   stable key for the ledger (usually the platform message id)
 * @param accountRef       platform account it arrived for
 * @param platformMessageId the platform's id for this message (WhatsApp wamid, Telegram chat:message id)
 * @param chatId           the conversation's platform id (the contact's id in 1:1 chats, else the group's);
 *                         null only for an {@linkplain #undecodable() undecodable} message whose chat
 *                         could not be found
 * @param contact          the person on the other side (sender when inbound, recipient when outbound);
 *                         null only for an {@linkplain #undecodable() undecodable} message whose
 *                         sender could not be found
 * @param direction        inbound from the contact, or outbound (an echo of something the business sent)
 * @param author           who wrote it
 * @param type             canonical type
 * @param text             text body, caption, or the text of a template button; null when none
 * @param media            media reference for media types
 * @param location         for location/venue
 * @param contacts         shared contact cards
 * @param interactive      interactive reply (buttons, lists, flows, callback queries)
 * @param reaction         for reactions (emoji empty = removed)
 * @param replyToMessageId platform id of the quoted message, or null
 * @param relatedMessageId for edits and revokes: the platform id of the message edited or deleted
 * @param forwarded        0 = not forwarded, 1 = forwarded, 2 = frequently forwarded
 * @param errors           errors the platform attached (e.g. unsupported content)
 * @param extrasJson       channel-specific structured details as a JSON object text (order, referral,
 *                         system notice, thread id, …), or null
 * @param occurredAt       platform timestamp (for an edit: when the message was first sent)
 * @param editedAt         null for a message as first sent; for a new version of an earlier message
 *                         (Telegram {@code edited_message}) the time of the edit: the gateway then
 *                         replaces the stored message {@code platformMessageId} (latest edit wins)
 *                         instead of storing a second one, or stores it when the original was never seen
 * @param rawJson          the platform's JSON for this message
 * @param undecodable      null when the channel understood the item; otherwise why it could not (e.g.
 *                         {@code message without id}). Such a message is still stored and dispatched,
 *                         so that nothing the gateway acknowledged is lost: its type is
 *                         {@link MessageType#UNSUPPORTED}, it carries its raw JSON, the platform's id
 *                         when there is one (else a key derived from the item), and its sender and
 *                         chat when they could be found
 */
public record InboundMessage(
    String idempotencyKey,
    String accountRef,
    String platformMessageId,
    String chatId,
    ContactRef contact,
    Direction direction,
    Author author,
    MessageType type,
    String text,
    MediaRef media,
    Location location,
    List<SharedContact> contacts,
    InteractiveReply interactive,
    Reaction reaction,
    String replyToMessageId,
    String relatedMessageId,
    int forwarded,
    List<PlatformError> errors,
    String extrasJson,
    Instant occurredAt,
    Instant editedAt,
    String rawJson,
    String undecodable) implements InboundEvent {

  public InboundMessage {
    Objects.requireNonNull(idempotencyKey, "idempotencyKey");
    Objects.requireNonNull(platformMessageId, "platformMessageId");
    if (undecodable == null) {
      Objects.requireNonNull(chatId, "chatId");
      Objects.requireNonNull(contact, "contact");
    }
    Objects.requireNonNull(direction, "direction");
    Objects.requireNonNull(author, "author");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(occurredAt, "occurredAt");
    contacts = contacts == null ? List.of() : List.copyOf(contacts);
    errors = errors == null ? List.of() : List.copyOf(errors);
  }

  /** A message the channel fully understood (the components before {@code undecodable}). */
  public InboundMessage(String idempotencyKey, String accountRef, String platformMessageId, String chatId,
                        ContactRef contact, Direction direction, Author author, MessageType type, String text,
                        MediaRef media, Location location, List<SharedContact> contacts,
                        InteractiveReply interactive, Reaction reaction, String replyToMessageId,
                        String relatedMessageId, int forwarded, List<PlatformError> errors, String extrasJson,
                        Instant occurredAt, Instant editedAt, String rawJson) {
    this(idempotencyKey, accountRef, platformMessageId, chatId, contact, direction, author, type, text, media,
        location, contacts, interactive, reaction, replyToMessageId, relatedMessageId, forwarded, errors,
        extrasJson, occurredAt, editedAt, rawJson, null);
  }

  @Override
  public String eventType() {
    if (undecodable != null) {
      return "message:undecodable";
    }
    if (editedAt != null) {
      return "message:edit";
    }
    return direction == Direction.INBOUND ? "message" : "message:echo";
  }

  /** Starts a builder; the decoders use it because most fields are optional. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a builder for an item the channel could not fully understand: type UNSUPPORTED, flagged
   * with {@code reason}. The decoder adds what it could still read (keys, sender, time, raw JSON).
   */
  public static Builder undecodable(String reason) {
    return new Builder().type(MessageType.UNSUPPORTED).undecodable(Objects.requireNonNull(reason, "reason"));
  }

  /** Mutable builder, confined to the decoder that fills it. */
  public static final class Builder {
    private String idempotencyKey;
    private String accountRef;
    private String platformMessageId;
    private String chatId;
    private ContactRef contact;
    private Direction direction = Direction.INBOUND;
    private Author author = Author.CONTACT;
    private MessageType type;
    private String text;
    private MediaRef media;
    private Location location;
    private List<SharedContact> contacts;
    private InteractiveReply interactive;
    private Reaction reaction;
    private String replyToMessageId;
    private String relatedMessageId;
    private int forwarded;
    private List<PlatformError> errors;
    private String extrasJson;
    private Instant occurredAt;
    private Instant editedAt;
    private String rawJson;
    private String undecodable;

    public Builder idempotencyKey(String v) { this.idempotencyKey = v; return this; }
    public Builder accountRef(String v) { this.accountRef = v; return this; }
    public Builder platformMessageId(String v) { this.platformMessageId = v; return this; }
    public Builder chatId(String v) { this.chatId = v; return this; }
    public Builder contact(ContactRef v) { this.contact = v; return this; }
    public Builder direction(Direction v) { this.direction = v; return this; }
    public Builder author(Author v) { this.author = v; return this; }
    public Builder type(MessageType v) { this.type = v; return this; }
    public Builder text(String v) { this.text = v; return this; }
    public Builder media(MediaRef v) { this.media = v; return this; }
    public Builder location(Location v) { this.location = v; return this; }
    public Builder contacts(List<SharedContact> v) { this.contacts = v; return this; }
    public Builder interactive(InteractiveReply v) { this.interactive = v; return this; }
    public Builder reaction(Reaction v) { this.reaction = v; return this; }
    public Builder replyToMessageId(String v) { this.replyToMessageId = v; return this; }
    public Builder relatedMessageId(String v) { this.relatedMessageId = v; return this; }
    public Builder forwarded(int v) { this.forwarded = v; return this; }
    public Builder errors(List<PlatformError> v) { this.errors = v; return this; }
    public Builder extrasJson(String v) { this.extrasJson = v; return this; }
    public Builder occurredAt(Instant v) { this.occurredAt = v; return this; }
    public Builder editedAt(Instant v) { this.editedAt = v; return this; }
    public Builder rawJson(String v) { this.rawJson = v; return this; }
    public Builder undecodable(String v) { this.undecodable = v; return this; }

    public InboundMessage build() {
      return new InboundMessage(idempotencyKey, accountRef, platformMessageId, chatId, contact,
          direction, author, type, text, media, location, contacts, interactive, reaction,
          replyToMessageId, relatedMessageId, forwarded, errors, extrasJson, occurredAt, editedAt, rawJson,
          undecodable);
    }
  }
}
