package dev.switchboard.channel.evolution;

import dev.switchboard.plugin.channel.SendOutcome;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/** What to do with one outbound message: call a {@code /message/<action>} endpoint, or refuse it. */
sealed interface SendPlan {

  /**
   * One Evolution call.
   *
   * @param action the endpoint, e.g. {@code sendText}
   * @param body   the JSON body
   * @param delay  the "typing…" delay asked for (Evolution holds the request that long before sending)
   */
  record Call(String action, JsonObject body, Duration delay) implements SendPlan {
  }

  /** Not sendable as it is; nothing is called. */
  record Refuse(SendOutcome.PermanentFailure outcome) implements SendPlan {
    static Refuse because(String code, String detail) {
      return new Refuse(new SendOutcome.PermanentFailure(code, detail));
    }
  }
}
