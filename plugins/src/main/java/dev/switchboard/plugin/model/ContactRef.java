package dev.switchboard.plugin.model;

/**
 * The person on the other side of a conversation, as the platform identifies them.
 *
 * @param platformUserId stable platform id (WhatsApp wa_id or business-scoped user id, Telegram
 *                       user id, WhatsApp JID); never null
 * @param phone          phone number in digits as the platform gives it (no "+"), or null
 * @param displayName    profile name the person chose (not an identifier), or null
 * @param username       platform username, or null
 * @param altUserId      another stable platform id of the same person that this payload carries
 *                       next to {@code platformUserId}, or null: WhatsApp's business-scoped user id
 *                       ({@code user_id}) of a user the payload also names by phone. The gateway
 *                       keeps it on the contact, so a later payload that names the person by
 *                       either id reaches the same contact
 */
public record ContactRef(String platformUserId, String phone, String displayName, String username,
                         String altUserId) {
  public ContactRef {
    if (platformUserId == null || platformUserId.isBlank()) {
      throw new IllegalArgumentException("contact needs a platform user id");
    }
    if (altUserId != null && (altUserId.isBlank() || altUserId.equals(platformUserId))) {
      altUserId = null;
    }
  }

  /** A contact known by one id only. */
  public ContactRef(String platformUserId, String phone, String displayName, String username) {
    this(platformUserId, phone, displayName, username, null);
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
