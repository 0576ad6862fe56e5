package dev.switchboard.gateway.ai;

import dev.switchboard.gateway.ai.AiRecords.UsageRecord;
import dev.switchboard.plugin.bus.Addresses;
import io.vertx.core.eventbus.EventBus;

/** Reports model calls to the AI store, which records and counts them. */
public final class AiUsage {
  /** Whom a call was for: the tenant, and the contact, conversation and message when there are. */
  public record Subject(String tenantId, Long contactId, Long conversationId, Long messageId) {
  }

  private AiUsage() {
  }

  /** @param cost the call's cost from the tenant's prices, or null */
  public static void record(EventBus bus, Subject who, String purpose, String model, ModelClient.Call call, Double cost) {
    bus.send(Addresses.AI_USAGE_RECORD, new UsageRecord(who.tenantId(), who.contactId(), who.conversationId(),
        who.messageId(), "llm", purpose, model, call.promptTokens(), call.completionTokens(), call.latencyMs(),
        call.outcome(), call.status() == 0 ? null : call.status(), call.error(), call.ok() ? cost : null));
  }
}
