package dev.switchboard.plugin.model;

import java.util.List;
import java.util.Objects;

/**
 * A message the business wants sent. Exactly the fields its {@link #type()} needs are set.
 *
 * <p>{@code interactiveJson} is the canonical interactive model every channel maps to its own:
 * <pre>
 * {"type": "buttons", "buttons": [{"id": "yes", "title": "Yes"}, {"title": "Site", "url": "https://…"}]}
 * {"type": "list", "button": "Choose", "sections": [{"title": "…", "rows": [{"id": "…", "title": "…", "description": "…"}]}]}
 * {"type": "keyboard", "rows": [["Yes", "No"], ["Later"]], "oneTime": true, "resize": true}
 * {"type": "remove_keyboard"}
 * </pre>
 * Buttons with an {@code id} report back as an {@link InteractiveReply} carrying that id; buttons
 * with a {@code url} open it. A channel without a native form of one of these renders the closest.
 *
 * <p>Actions that are not messages use type {@link MessageType#SYSTEM} with
 * {@code extrasJson.action}: {@code "typing"} (show the typing indicator),
 * {@code "markRead"} (mark a received message, and those before it, read) or
 * {@code "answerCallback"} (acknowledge a button press: {@code extrasJson.callbackQueryId}, toast
 * text in {@code text}). An action about a received message names that message in
 * {@code targetMessageId}, else in {@code replyToMessageId}: {@code markRead} always needs one, and
 * so does {@code typing} on WhatsApp, where the indicator is shown only while marking a received
 * message read. An edit of a sent message is type {@link MessageType#EDIT} with
 * {@code targetMessageId} and the new {@code text}.
 *
 * @param sendToken        idempotency key of this send (never sent twice under one token)
 * @param to               recipient's platform id (phone digits, chat id, JID)
 * @param type             what to send
 * @param text             text, or caption for media
 * @param media            media by id or URL
 * @param location         location to share
 * @param contacts         contact cards to share (type {@link MessageType#CONTACTS})
 * @param templateJson     platform template object as JSON text (name, language, components)
 * @param interactiveJson  interactive content as JSON text (see above), or null
 * @param reaction         reaction to send (emoji empty = remove)
 * @param replyToMessageId platform id of the message to quote, or null
 * @param targetMessageId  for edits: the platform id of the message to change; for actions about a
 *                         received message ({@code typing}, {@code markRead}): that message; else null
 * @param extrasJson       channel-specific options as JSON object text (parse mode, thread id…), or null
 */
public record OutboundMessage(String sendToken, String to, MessageType type, String text,
                              MediaRef media, Location location, List<SharedContact> contacts,
                              String templateJson, String interactiveJson, Reaction reaction,
                              String replyToMessageId, String targetMessageId, String extrasJson) {
  public OutboundMessage {
    Objects.requireNonNull(sendToken, "sendToken");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(type, "type");
    contacts = contacts == null ? List.of() : List.copyOf(contacts);
  }

  public static OutboundMessage text(String sendToken, String to, String text) {
    return new OutboundMessage(sendToken, to, MessageType.TEXT, text, null, null, null, null, null,
        null, null, null, null);
  }
}
