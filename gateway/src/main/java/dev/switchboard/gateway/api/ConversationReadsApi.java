package dev.switchboard.gateway.api;

import dev.switchboard.gateway.edge.ApiException;
import dev.switchboard.gateway.store.ReadRecords.ConversationGet;
import dev.switchboard.gateway.store.ReadRecords.ConversationList;
import dev.switchboard.gateway.store.ReadRecords.MessageList;
import dev.switchboard.gateway.tenants.TenantView;
import dev.switchboard.plugin.bus.Addresses;
import io.vertx.core.eventbus.EventBus;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /v1/conversations} (filters {@code channel}, {@code status}, {@code contact}; newest
 * first), {@code GET /v1/conversations/{id}} and {@code GET /v1/conversations/{id}/messages} (both
 * directions, newest first). Parameters are checked against the contract before these run; ids and
 * cursors are parsed here. Another tenant's conversation answers 404 exactly as a missing one.
 */
public final class ConversationReadsApi {
  static final String CONVERSATIONS = "conv";
  static final String MESSAGES = "msg";
  private static final String NOT_FOUND = "no such conversation";
  private final ReadAnswers reads;

  public ConversationReadsApi(EventBus bus) {
    this.reads = new ReadAnswers(bus);
  }

  public void list(RoutingContext ctx) {
    TenantView tenant = TenantAuth.tenant(ctx);
    String contact = ReadAnswers.param(ctx, "contact");
    Long contactId = contact == null ? null : Ids.CONTACT.parse(contact);
    if (contact != null && contactId == null) {
      throw SendRequestParser.invalid("contact", "is not a contact id (ct_…)");
    }
    ConversationList q = new ConversationList(tenant.id(), ReadAnswers.param(ctx, "channel"),
        ReadAnswers.param(ctx, "status"), contactId, Cursor.decode(CONVERSATIONS, ReadAnswers.param(ctx, "cursor")),
        Paging.limit(ctx));
    reads.page(ctx, Addresses.READ_CONVERSATIONS, q, CONVERSATIONS, NOT_FOUND);
  }

  public void get(RoutingContext ctx) {
    reads.one(ctx, Addresses.READ_CONVERSATION, new ConversationGet(TenantAuth.tenant(ctx).id(), id(ctx)), NOT_FOUND);
  }

  public void messages(RoutingContext ctx) {
    long id = id(ctx);
    MessageList q = new MessageList(TenantAuth.tenant(ctx).id(), id,
        Cursor.decode(MESSAGES, ReadAnswers.param(ctx, "cursor")), Paging.limit(ctx));
    reads.page(ctx, Addresses.READ_MESSAGES, q, MESSAGES, NOT_FOUND);
  }

  private static long id(RoutingContext ctx) {
    Long id = Ids.CONVERSATION.parse(ctx.pathParam("id"));
    if (id == null) {
      throw ApiException.notFound(NOT_FOUND);
    }
    return id;
  }
}
