package dev.switchboard.channel.whatsapp;

import dev.switchboard.plugin.channel.SendOutcome;
import io.vertx.core.json.JsonObject;

/** What to do with one outbound message: one Cloud API call, or a refusal without a call. */
sealed interface SendPlan {

  /**
   * One {@code POST /<phone-number-id>/messages} call.
   *
   * @param body          the JSON body
   * @param idIfNoMessage null for a message (the answer carries its wamid in {@code messages[0].id});
   *                      for a read receipt / typing indicator, which creates no message, the id
   *                      reported as sent (the send token)
   */
  record Call(JsonObject body, String idIfNoMessage) implements SendPlan {
  }

  /** Not sendable as it is; nothing is called. */
  record Refuse(SendOutcome.PermanentFailure outcome) implements SendPlan {
  }
}
