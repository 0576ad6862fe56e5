package dev.switchboard.plugin.model;

import java.util.List;

/**
 * A contact card shared in a message.
 *
 * @param name     formatted name
 * @param phones   phone numbers as given (not normalised)
 * @param emails   e-mail addresses
 * @param platformUserId the contact's platform id when known (WhatsApp wa_id, Telegram user id)
 * @param vcard    the raw vCard when the platform sends one, else null
 */
public record SharedContact(String name, List<String> phones, List<String> emails,
                            String platformUserId, String vcard) {
  public SharedContact {
    phones = phones == null ? List.of() : List.copyOf(phones);
    emails = emails == null ? List.of() : List.copyOf(emails);
  }
}
