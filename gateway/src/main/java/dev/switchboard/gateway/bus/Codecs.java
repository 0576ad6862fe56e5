package dev.switchboard.gateway.bus;

import dev.switchboard.gateway.admission.AdmissionRecords;
import dev.switchboard.gateway.ai.AiRecords;
import dev.switchboard.gateway.dispatch.Dispatch;
import dev.switchboard.gateway.housekeeping.AccountStates;
import dev.switchboard.gateway.housekeeping.Takeover;
import dev.switchboard.gateway.idempotency.IdempotencyRecords;
import dev.switchboard.gateway.store.AppendRequest;
import dev.switchboard.gateway.store.AppendResult;
import dev.switchboard.gateway.store.AuditRecord;
import dev.switchboard.gateway.store.OutboxRecords;
import dev.switchboard.gateway.store.Ping;
import dev.switchboard.gateway.store.ReadRecords;
import dev.switchboard.gateway.tenants.TenantAdminRecords;
import dev.switchboard.gateway.tenants.TenantDirectory;
import dev.switchboard.migrations.MemorySchema;
import io.vertx.core.eventbus.EventBus;
import java.util.List;

/** Registers the local codec of every record that travels on the bus. Call once per Vert.x instance. */
public final class Codecs {
  private static final List<Class<?>> RECORDS = List.of(AppendRequest.class, AppendResult.class,
      AuditRecord.class, Ping.class,
      AdmissionRecords.AdmitRequest.class, AdmissionRecords.AdmitAnswer.class, AdmissionRecords.Unused.class,
      IdempotencyRecords.Lookup.class, IdempotencyRecords.Known.class, IdempotencyRecords.Committed.class, TenantDirectory.class, Dispatch.class,
      AccountStates.class, AccountStates.Query.class,
      OutboxRecords.Enqueue.class, OutboxRecords.Enqueued.class, OutboxRecords.Claim.class,
      OutboxRecords.Claimed.class, OutboxRecords.Settle.class, OutboxRecords.Settled.class,
      OutboxRecords.MessageQuery.class, OutboxRecords.ConversationQuery.class, OutboxRecords.ConversationRef.class,
      OutboxRecords.DeadLetterQuery.class, OutboxRecords.DeadLetterReplay.class, OutboxRecords.JsonAnswer.class,
      Takeover.class, Takeover.State.class,
      AiRecords.ContextQuery.class, AiRecords.Context.class, AiRecords.UsageRecord.class, AiRecords.UsageQuery.class,
      AiRecords.ContactQuery.class, AiRecords.Found.class, AiRecords.MemoryStatusQuery.class, MemorySchema.class,
      AiRecords.MemorySearch.class, AiRecords.MemoryList.class, AiRecords.MemoryWrite.class,
      AiRecords.MemoryWritten.class, AiRecords.MemoryDelete.class, AiRecords.Memories.class,
      ReadRecords.ConversationList.class, ReadRecords.ConversationGet.class, ReadRecords.MessageList.class,
      ReadRecords.ContactGet.class, ReadRecords.ContactLookup.class, ReadRecords.Page.class,
      TenantAdminRecords.Request.class, TenantAdminRecords.Answer.class);

  private Codecs() {
  }

  public static void registerAll(EventBus bus) {
    for (Class<?> type : RECORDS) {
      register(bus, type);
    }
  }

  private static <T> void register(EventBus bus, Class<T> type) {
    bus.registerDefaultCodec(type, new LocalCodec<>(type));
  }
}
