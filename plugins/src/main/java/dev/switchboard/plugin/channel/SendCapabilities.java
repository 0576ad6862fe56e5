package dev.switchboard.plugin.channel;

import dev.switchboard.plugin.model.MessageType;
import java.util.Set;

/**
 * What a channel can send and how fast the platform lets it, declared by the plugin so the host
 * validates a send before storing it (a kind the channel cannot carry is refused at the API) and
 * paces sends within the platform's documented limits.
 *
 * @param types          the content kinds the channel carries ({@link MessageType#TEXT},
 *                       {@link MessageType#IMAGE}, {@link MessageType#TEMPLATE}, …)
 * @param maxTextLength  longest text accepted, in characters (Java chars count UTF-16 units; the
 *                       platforms count characters as they do: keep a margin)
 * @param maxCaptionLength longest media caption
 * @param account        the default pace of one account (number, bot, instance)
 * @param recipient      the default pace of sends to one chat
 * @param group          the default pace of sends to one group chat
 */
public record SendCapabilities(Set<MessageType> types, int maxTextLength, int maxCaptionLength,
                               Pacing account, Pacing recipient, Pacing group) {
  /** A channel that cannot send. */
  public static final SendCapabilities NONE = new SendCapabilities(Set.of(), 0, 0, Pacing.UNLIMITED,
      Pacing.UNLIMITED, Pacing.UNLIMITED);

  public SendCapabilities {
    types = Set.copyOf(types);
  }

  public boolean carries(MessageType type) {
    return types.contains(type);
  }
}
