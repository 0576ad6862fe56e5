package dev.switchboard.plugin.message;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a message plugin decided: pass to the next plugin, reply, stop, try again later, or give up.
 * Envoy's Continue/StopIteration as futures: the host composes the chain so it short-circuits.
 */
public sealed interface ChainDecision {

  /** Hand the message to the next plugin in the tenant's chain. */
  record Continue() implements ChainDecision {
  }

  /**
   * Send these replies to the message's conversation, each as a reply to the message.
   *
   * @param replies each the content fields of {@code POST /v1/messages} ({@code text}, {@code media},
   *                {@code template}, {@code interactive}, {@code reaction}, {@code location},
   *                {@code contacts}); the host validates them against the channel and queues them
   * @param stop    true: the chain ends here; false: the next plugin runs too
   */
  record Reply(List<JsonObject> replies, boolean stop) implements ChainDecision {
    public Reply {
      replies = replies.stream().map(JsonObject::copy).toList();
    }

    /** One text reply that ends the chain. */
    public static Reply text(String text) {
      return new Reply(List.of(new JsonObject().put("text", text)), true);
    }
  }

  /** Stop the chain without replying. */
  record Stop(String reason) implements ChainDecision {
  }

  /**
   * Not done: run this plugin again for this message after {@code after} (a bot that is down, a
   * model that is throttled). The host keeps the conversation's later messages waiting, applies its
   * backoff (never shorter than {@code after}), and after its attempt limit makes a dead letter.
   */
  record Retry(Duration after, String reason) implements ChainDecision {
    public Retry {
      Objects.requireNonNull(after, "after");
    }
  }

  /** Give up on this message now (a bot that refused it for good): the host makes a dead letter. */
  record Fail(String code, String detail) implements ChainDecision {
  }

  ChainDecision CONTINUE = new Continue();
}
