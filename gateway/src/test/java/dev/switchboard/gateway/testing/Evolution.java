package dev.switchboard.gateway.testing;

import io.vertx.core.json.JsonObject;

/**
 * Evolution API 2.3 webhook bodies, shaped like Evolution's own webhook sender writes them (the
 * envelope: event, instance, data, destination, date_time, sender, server_url, apikey), with the ids
 * a test needs.
 */
public final class Evolution {
  public static final String INSTANCE_ID = "628e74c4-2f0b-4c6e-9d1e-6a5d2c1f3b7a";

  private Evolution() {
  }

  public static String envelope(String event, String instance, String apiKey, JsonObject data) {
    return new JsonObject()
        .put("event", event)
        .put("instance", instance)
        .put("data", data)
        .put("destination", "https://gw.example.com/webhooks/evolution/x")
        .put("date_time", "2026-07-26T18:13:30.262Z")
        .put("sender", "5511912345678@s.whatsapp.net")
        .put("server_url", "https://evo.example.com")
        .put("apikey", apiKey)
        .encode();
  }

  /** The data of a {@code messages.upsert} / {@code send.message} with a text ({@code conversation}). */
  public static JsonObject text(String remoteJid, boolean fromMe, String id, String pushName, long timestamp,
                                String text, String status) {
    return new JsonObject()
        .put("key", new JsonObject().put("remoteJid", remoteJid).put("fromMe", fromMe).put("id", id))
        .put("pushName", pushName)
        .put("status", status)
        .put("message", new JsonObject().put("conversation", text)
            .put("messageContextInfo", new JsonObject().put("deviceListMetadataVersion", 2)))
        .put("messageType", "conversation")
        .put("messageTimestamp", timestamp)
        .put("instanceId", INSTANCE_ID)
        .put("source", fromMe ? "ios" : "android");
  }

  /** The data of a {@code messages.update} receipt (2.2+ shape). */
  public static JsonObject receipt(String remoteJid, String keyId, boolean fromMe, String status) {
    return new JsonObject().put("keyId", keyId).put("remoteJid", remoteJid).put("fromMe", fromMe)
        .put("status", status).put("instanceId", INSTANCE_ID);
  }

  /** The data of a {@code connection.update}. */
  public static JsonObject connection(String instance, String state, int statusReason) {
    return new JsonObject().put("instance", instance).put("state", state).put("statusReason", statusReason);
  }
}
