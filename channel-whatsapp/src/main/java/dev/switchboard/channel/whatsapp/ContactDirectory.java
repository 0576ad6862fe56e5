package dev.switchboard.channel.whatsapp;

import static dev.switchboard.channel.whatsapp.JsonAccess.scalar;
import static dev.switchboard.plugin.json.JsonFields.nonBlank;
import static dev.switchboard.plugin.json.JsonFields.object;
import static dev.switchboard.plugin.json.JsonFields.string;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;

/**
 * The profiles of one change's {@code value.contacts[]}, looked up by {@code wa_id} or
 * {@code user_id} (never by position: batched messages need not be in the same order).
 * Entries that are not objects are ignored.
 */
final class ContactDirectory {

  /** What a contact entry tells about a user. */
  record Profile(String name, String username) {
    static final Profile NONE = new Profile(null, null);
  }

  static final ContactDirectory EMPTY = new ContactDirectory(Map.of(), Map.of());

  private final Map<String, Profile> byWaId;
  private final Map<String, Profile> byUserId;

  private ContactDirectory(Map<String, Profile> byWaId, Map<String, Profile> byUserId) {
    this.byWaId = byWaId;
    this.byUserId = byUserId;
  }

  static ContactDirectory of(JsonArray contacts) {
    if (contacts == null || contacts.isEmpty()) {
      return EMPTY;
    }
    Map<String, Profile> byWaId = new HashMap<>();
    Map<String, Profile> byUserId = new HashMap<>();
    for (int i = 0; i < contacts.size(); i++) {
      if (!(contacts.getValue(i) instanceof JsonObject c)) {
        continue;
      }
      JsonObject profile = object(c, "profile");
      Profile p = new Profile(string(profile, "name"), string(profile, "username"));
      String waId = scalar(c, "wa_id");
      String userId = nonBlank(c, "user_id");
      if (waId != null && !waId.isBlank()) {
        byWaId.putIfAbsent(waId, p);
      }
      if (userId != null) {
        byUserId.putIfAbsent(userId, p);
      }
    }
    return new ContactDirectory(byWaId, byUserId);
  }

  /** The profile whose wa_id is {@code waId}, else whose user_id is {@code userId}, else NONE. */
  Profile find(String waId, String userId) {
    Profile p = waId == null ? null : byWaId.get(waId);
    if (p == null && userId != null) {
      p = byUserId.get(userId);
    }
    if (p == null && waId != null) {
      p = byUserId.get(waId);
    }
    return p == null ? Profile.NONE : p;
  }
}
