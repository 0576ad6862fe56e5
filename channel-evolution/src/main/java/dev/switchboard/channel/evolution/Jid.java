package dev.switchboard.channel.evolution;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A WhatsApp JID as Baileys writes it ({@code user[:device]@server}), normalised: the device
 * suffix is dropped and the server lower-cased, so {@code 5511999:12@s.whatsapp.net} and
 * {@code 5511999@s.whatsapp.net} are the same party.
 *
 * @param user   the part before {@code @} (digits for phone numbers and LIDs)
 * @param server {@code s.whatsapp.net}, {@code lid}, {@code g.us}, {@code broadcast}, …
 */
record Jid(String user, String server) {

  static final String PN_SERVER = "s.whatsapp.net";
  private static final Pattern DIGITS = Pattern.compile("[0-9]{5,20}");
  private static final Pattern USER = Pattern.compile("[0-9A-Za-z._+-]{1,80}");
  private static final Pattern SERVER = Pattern.compile("[a-z0-9.-]{1,40}");

  /**
   * Parses a JID; bare phone digits become a phone-number JID. Null when the text is absent or not
   * JID-shaped (so hostile values never become identities).
   */
  static Jid parse(String text) {
    if (text == null) {
      return null;
    }
    String t = text.trim();
    if (t.isEmpty() || t.length() > EvoJson.MAX_TOKEN) {
      return null;
    }
    if (t.startsWith("+")) {
      t = t.substring(1);
    }
    int at = t.lastIndexOf('@');
    if (at < 0) {
      return DIGITS.matcher(t).matches() ? new Jid(t, PN_SERVER) : null;
    }
    String user = t.substring(0, at);
    int colon = user.indexOf(':');
    if (colon >= 0) {
      user = user.substring(0, colon);
    }
    String server = t.substring(at + 1).toLowerCase(Locale.ROOT);
    if ("c.us".equals(server)) {
      server = PN_SERVER;
    }
    if (!USER.matcher(user).matches() || !SERVER.matcher(server).matches()) {
      return null;
    }
    return new Jid(user, server);
  }

  /** A person addressed by phone number. */
  boolean isPhone() {
    return PN_SERVER.equals(server) && DIGITS.matcher(user).matches();
  }

  /** A person addressed by a linked identity (a privacy id that hides the number). */
  boolean isLid() {
    return "lid".equals(server);
  }

  boolean isGroup() {
    return "g.us".equals(server);
  }

  /** {@code status@broadcast} (stories), {@code …@broadcast} (broadcast lists) or {@code …@newsletter} (channels). */
  boolean isBroadcastLike() {
    return "broadcast".equals(server) || "newsletter".equals(server);
  }

  /** Notice detail for a broadcast-like chat: {@code status@broadcast}, {@code broadcast} or {@code newsletter}. */
  String broadcastKind() {
    if ("broadcast".equals(server)) {
      return "status".equals(user) ? "status@broadcast" : "broadcast";
    }
    return server;
  }

  @Override
  public String toString() {
    return user + "@" + server;
  }
}
