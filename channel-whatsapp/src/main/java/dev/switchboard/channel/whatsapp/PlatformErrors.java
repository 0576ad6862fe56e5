package dev.switchboard.channel.whatsapp;

import static dev.switchboard.channel.whatsapp.JsonAccess.scalar;
import static dev.switchboard.plugin.json.JsonFields.object;
import static dev.switchboard.plugin.json.JsonFields.string;

import dev.switchboard.plugin.model.PlatformError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/** Meta's {@code errors[]} objects ({@code code, title, message, error_data.details}). */
final class PlatformErrors {

  private PlatformErrors() {
  }

  /** The errors in {@code errors}; entries that are not objects are skipped; null gives none. */
  static List<PlatformError> of(JsonArray errors) {
    if (errors == null || errors.isEmpty()) {
      return List.of();
    }
    List<PlatformError> out = new ArrayList<>(errors.size());
    for (int i = 0; i < errors.size(); i++) {
      if (errors.getValue(i) instanceof JsonObject e) {
        out.add(new PlatformError(scalar(e, "code"), string(e, "title"), string(e, "message"),
            string(object(e, "error_data"), "details")));
      }
    }
    return out;
  }

  /** The codes joined by commas, as a short notice detail; null when there are none. */
  static String codes(List<PlatformError> errors) {
    StringBuilder b = new StringBuilder();
    for (PlatformError e : errors) {
      if (e.code() != null) {
        if (b.length() > 0) {
          b.append(',');
        }
        b.append(e.code());
      }
    }
    return b.length() == 0 ? null : JsonAccess.clip(b.toString());
  }
}
