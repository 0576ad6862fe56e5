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
 * The entries of one change's {@code value.contacts[]}, looked up by {@code wa_id} or
 * {@code user_id} (never by position: batched messages need not be in the same order). Entries
 * that are not objects are ignored.
 */
final class ContactDirectory {

  /**
   * What a contact entry tells about a user: the phone id ({@code wa_id}, absent for a user who
   * hides the number), the business-scoped user id ({@code user_id}) and the profile.
   */
  record Entry(String waId, String userId, String name, String username) {
    static final Entry NONE = new Entry(null, null, null, null);
  }

  static final ContactDirectory EMPTY = new ContactDirectory(Map.of(), Map.of(), null);

  private final Map<String, Entry> byWaId;
  private final Map<String, Entry> byUserId;
  private final Entry only;

  private ContactDirectory(Map<String, Entry> byWaId, Map<String, Entry> byUserId, Entry only) {
    this.byWaId = byWaId;
    this.byUserId = byUserId;
    this.only = only;
  }

  static ContactDirectory of(JsonArray contacts) {
    if (contacts == null || contacts.isEmpty()) {
      return EMPTY;
    }
    Map<String, Entry> byWaId = new HashMap<>();
    Map<String, Entry> byUserId = new HashMap<>();
    Entry first = null;
    int entries = 0;
    for (int i = 0; i < contacts.size(); i++) {
      if (!(contacts.getValue(i) instanceof JsonObject c)) {
        continue;
      }
      JsonObject profile = object(c, "profile");
      String waId = scalar(c, "wa_id");
      Entry e = new Entry(waId == null || waId.isBlank() ? null : waId, nonBlank(c, "user_id"),
          string(profile, "name"), string(profile, "username"));
      if (e.waId() != null) {
        byWaId.putIfAbsent(e.waId(), e);
      }
      if (e.userId() != null) {
        byUserId.putIfAbsent(e.userId(), e);
      }
      first = first == null ? e : first;
      entries++;
    }
    return new ContactDirectory(byWaId, byUserId, entries == 1 ? first : null);
  }

  /**
   * The entry of the user a message names by {@code waId} (its {@code from}) or {@code userId} (its
   * {@code from_user_id}): the one with that wa_id, else with that user_id. A message that names
   * nobody belongs to the change's only entry, if it has exactly one. Else NONE.
   */
  Entry find(String waId, String userId) {
    if (waId == null && userId == null) {
      return only == null ? Entry.NONE : only;
    }
    Entry e = waId == null ? null : byWaId.get(waId);
    if (e == null && userId != null) {
      e = byUserId.get(userId);
    }
    if (e == null && waId != null) {
      e = byUserId.get(waId);
    }
    return e == null ? Entry.NONE : e;
  }
}
