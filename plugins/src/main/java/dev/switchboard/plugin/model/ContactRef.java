package dev.switchboard.plugin.model;

/**
 * The person on the other side of a conversation, as the platform identifies them.
 *
 * @param platformUserId stable platform id (WhatsApp wa_id or business-scoped user id, Telegram
 *                       user id, WhatsApp JID); never null
 * @param phone          phone number in digits as the platform gives it (no "+"), or null
 * @param displayName    profile name the person chose (not an identifier), or null
 * @param username       platform username, or null
 */
public record ContactRef(String platformUserId, String phone, String displayName, String username) {
  public ContactRef {
    if (platformUserId == null || platformUserId.isBlank()) {
      throw new IllegalArgumentException("contact needs a platform user id");
    }
  }

  /** The phone in E.164 ({@code +} and 7–15 digits), or null when there is none or it does not fit. */
  public String e164() {
    if (phone == null) {
      return null;
    }
    String digits = phone.startsWith("+") ? phone.substring(1) : phone;
    return digits.matches("[1-9][0-9]{6,14}") ? "+" + digits : null;
  }
}
