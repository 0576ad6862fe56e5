package dev.switchboard.plugin.model;

/** Who wrote a message. */
public enum Author {
  /** The contact (end user). */
  CONTACT,
  /** A person on the business side, e.g. typing in the WhatsApp Business app (human takeover signal). */
  BUSINESS_HUMAN,
  /** The business through an API: this gateway, the tenant's bot, or another API client. */
  BUSINESS_API
}
