package dev.switchboard.plugin.model;

import java.util.Objects;

/**
 * A message the business wants sent. Exactly the fields its {@link #type()} needs are set.
 *
 * @param sendToken        idempotency key of this send (never sent twice under one token)
 * @param to               recipient's platform id (phone digits, chat id, JID)
 * @param type             what to send
 * @param text             text, or caption for media
 * @param media            media by id or URL
 * @param location         location to share
 * @param templateJson     platform template object as JSON text (name, language, components)
 * @param interactiveJson  interactive content as JSON text (buttons, list, keyboard)
 * @param reaction         reaction to send (emoji empty = remove)
 * @param replyToMessageId platform id of the message to quote, or null
 * @param extrasJson       channel-specific options as JSON object text (parse mode, thread id…), or null
 */
public record OutboundMessage(String sendToken, String to, MessageType type, String text,
                              MediaRef media, Location location, String templateJson,
                              String interactiveJson, Reaction reaction, String replyToMessageId,
                              String extrasJson) {
  public OutboundMessage {
    Objects.requireNonNull(sendToken, "sendToken");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(type, "type");
  }

  public static OutboundMessage text(String sendToken, String to, String text) {
    return new OutboundMessage(sendToken, to, MessageType.TEXT, text, null, null, null, null, null,
        null, null);
  }
}
