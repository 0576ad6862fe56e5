package dev.switchboard.channel.evolution;

import static dev.switchboard.plugin.json.JsonFields.nonBlank;

import dev.switchboard.plugin.model.ContactRef;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * Who a message is with: the chat id and the contact, from a Baileys message key.
 *
 * <p>1:1 chats: the contact is the remote party, identified by its phone-number JID whenever the
 * payload reveals it ({@code remoteJid} itself, else {@code remoteJidAlt} or {@code senderPn}),
 * otherwise by its {@code @lid}; the chat id is that same id, so a chat addressed once by LID and
 * once by number is one conversation. Groups: the chat is the group; the contact is the
 * participant (its phone form when {@code participantAlt} gives it), or the group itself for the
 * business's own messages.
 *
 * @param chatId  the conversation's platform id
 * @param contact the person on the other side
 * @param group   the group JID, or null in 1:1 chats
 */
record JidParty(String chatId, ContactRef contact, Jid group) {

  /**
   * Resolves the party of a message key. {@code pushName} is the sender's display name (used only
   * when the contact wrote the message). Known LID/phone pairs go to {@code extras}.
   *
   * @throws EvoUndecodableException when {@code remoteJid} is missing or not a JID
   */
  static JidParty of(JsonObject key, boolean fromMe, String pushName, JsonObject item,
                     Map<String, Object> extras) {
    Jid remote = Jid.parse(nonBlank(key, "remoteJid"));
    if (remote == null) {
      throw new EvoUndecodableException("key.remoteJid is missing or not a JID");
    }
    String name = fromMe ? null : pushName;
    if (remote.isGroup()) {
      return group(remote, key, fromMe, name, item, extras);
    }
    Jid[] alts = {Jid.parse(nonBlank(key, "remoteJidAlt")), Jid.parse(nonBlank(key, "senderPn")),
        Jid.parse(nonBlank(key, "senderLid"))};
    Jid person = person(remote, alts, extras);
    return new JidParty(person.toString(), contact(person, name), null);
  }

  private static JidParty group(Jid group, JsonObject key, boolean fromMe, String name,
                                JsonObject item, Map<String, Object> extras) {
    extras.put("group", group.toString());
    if (fromMe) {
      return new JidParty(group.toString(), new ContactRef(group.toString(), null, null, null), group);
    }
    Jid participant = Jid.parse(nonBlank(key, "participant"));
    if (participant == null) {
      participant = Jid.parse(nonBlank(item, "participant")); // 1.x history items carry it outside the key
    }
    Jid[] alts = {Jid.parse(nonBlank(key, "participantAlt")), Jid.parse(nonBlank(key, "participantPn")),
        Jid.parse(nonBlank(key, "participantLid"))};
    if (participant == null) {
      participant = firstNonNull(alts);
    }
    if (participant == null) {
      extras.put("participant", null);
      return new JidParty(group.toString(), new ContactRef(group.toString(), null, null, null), group);
    }
    Jid person = person(participant, alts, extras);
    return new JidParty(group.toString(), contact(person, name), group);
  }

  /** The phone form of {@code primary} when it or an alternative is a phone JID; records lid/pn in extras. */
  private static Jid person(Jid primary, Jid[] alts, Map<String, Object> extras) {
    Jid pn = primary.isPhone() ? primary : null;
    Jid lid = primary.isLid() ? primary : null;
    for (Jid alt : alts) {
      if (alt == null) {
        continue;
      }
      if (pn == null && alt.isPhone()) {
        pn = alt;
      } else if (lid == null && alt.isLid()) {
        lid = alt;
      }
    }
    if (pn != null && lid != null) {
      extras.put("lid", lid.toString());
      extras.put("pn", pn.toString());
    }
    return pn != null ? pn : primary;
  }

  private static ContactRef contact(Jid person, String name) {
    return new ContactRef(person.toString(), person.isPhone() ? person.user() : null,
        name == null || name.isBlank() ? null : name, null);
  }

  private static Jid firstNonNull(Jid[] jids) {
    for (Jid j : jids) {
      if (j != null) {
        return j;
      }
    }
    return null;
  }
}
