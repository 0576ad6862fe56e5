package dev.switchboard.plugin.message;

import dev.switchboard.plugin.model.OutboundMessage;
import java.util.List;

/** What a message plugin decided: pass to the next plugin, reply (and stop), or stop. */
public sealed interface ChainDecision {

  /** Hand the message to the next plugin in the tenant's chain. */
  record Continue() implements ChainDecision {
  }

  /** Send these replies and stop the chain. */
  record Reply(List<OutboundMessage> replies) implements ChainDecision {
    public Reply {
      replies = List.copyOf(replies);
    }
  }

  /** Stop the chain without replying. */
  record Stop(String reason) implements ChainDecision {
  }

  ChainDecision CONTINUE = new Continue();
}
