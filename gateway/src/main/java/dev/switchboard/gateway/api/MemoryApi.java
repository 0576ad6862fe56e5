package dev.switchboard.gateway.api;

import dev.switchboard.gateway.ai.AiRecords.ContactQuery;
import dev.switchboard.gateway.ai.AiRecords.Found;
import dev.switchboard.gateway.ai.AiRecords.Memories;
import dev.switchboard.gateway.ai.AiRecords.Memory;
import dev.switchboard.gateway.ai.AiRecords.MemoryDelete;
import dev.switchboard.gateway.ai.AiRecords.MemoryList;
import dev.switchboard.gateway.ai.AiRecords.MemorySearch;
import dev.switchboard.gateway.ai.AiRecords.MemoryStatusQuery;
import dev.switchboard.gateway.ai.AiRecords.MemoryWrite;
import dev.switchboard.gateway.ai.AiRecords.MemoryWritten;
import dev.switchboard.gateway.ai.AiUsage;
import dev.switchboard.gateway.ai.ModelClient;
import dev.switchboard.gateway.ai.Vectors;
import dev.switchboard.gateway.edge.ApiException;
import dev.switchboard.gateway.plugins.MessagePluginRegistry;
import dev.switchboard.gateway.plugins.builtin.LlmSettings;
import dev.switchboard.gateway.tenants.TenantView;
import dev.switchboard.migrations.MemorySchema;
import dev.switchboard.plugin.bus.Addresses;
import dev.switchboard.plugin.bus.FailureCodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;

/**
 * A contact's memories (tenant API key): {@code POST /v1/contacts/{id}/memories} stores one (the
 * gateway embeds it with the tenant's {@code llm} plugin settings), {@code GET} lists them or, with
 * {@code ?q=}, finds the nearest with their scores, {@code DELETE …/{memoryId}} deactivates one. A
 * contact of another tenant answers 404 like a missing one; without pgvector every route answers
 * {@code 503 memory_unavailable} with the reason.
 */
public final class MemoryApi {
  static final int MAX_CONTENT = 4000;
  static final int MAX_SEARCH = 50;
  private static final DeliveryOptions STORE = new DeliveryOptions().setSendTimeout(15_000);
  private static final Set<String> FIELDS = Set.of("content", "importance", "category", "source", "expiresAt");

  private final Vertx vertx;
  private final EventBus bus;
  private final HttpClient http;

  public MemoryApi(Vertx vertx, HttpClient http) {
    this.vertx = vertx;
    this.bus = vertx.eventBus();
    this.http = http;
  }

  public void create(RoutingContext ctx) {
    TenantView tenant = TenantAuth.tenant(ctx);
    JsonObject body = MessagesApi.jsonBody(ctx);
    Draft draft = draft(body);
    long contactId = contactId(ctx);
    contact(tenant, contactId)
        .compose(v -> embed(tenant, contactId, llmSettings(tenant), draft.content()))
        .compose(vector -> bus.<MemoryWritten>request(Addresses.MEMORY_WRITE, new MemoryWrite(tenant.id(), contactId,
            draft.content(), vector, Vectors.dimensions(vector), draft.importance(), draft.category(), draft.source(),
            draft.expiresAt(), 0), STORE))
        .onSuccess(m -> Json.write(ctx, 201, json(m.body().memory())))
        .onFailure(err -> ctx.fail(toApi(err)));
  }

  public void list(RoutingContext ctx) {
    TenantView tenant = TenantAuth.tenant(ctx);
    long contactId = contactId(ctx);
    String q = ctx.request().getParam("q");
    int limit = Paging.limit(ctx);
    Future<List<Memory>> found;
    if (q != null) {
      if (q.isBlank() || q.length() > MAX_CONTENT) {
        throw SendRequestParser.invalid("q", "must be a text of 1 to " + MAX_CONTENT + " characters");
      }
      double minScore = minScore(ctx);
      found = contact(tenant, contactId)
          .compose(v -> embed(tenant, contactId, llmSettings(tenant), q))
          .compose(vector -> bus.<Memories>request(Addresses.MEMORY_SEARCH,
              new MemorySearch(tenant.id(), contactId, vector, Math.min(limit, MAX_SEARCH), minScore), STORE))
          .map(m -> m.body().memories());
    } else {
      Long before = Paging.cursor(ctx, Ids.MEMORY);
      found = contact(tenant, contactId)
          .compose(v -> bus.<Memories>request(Addresses.MEMORY_LIST, new MemoryList(tenant.id(), contactId, before, limit),
              STORE))
          .map(m -> m.body().memories());
    }
    found.onSuccess(list -> {
      JsonArray data = new JsonArray();
      list.forEach(m -> data.add(json(m)));
      JsonObject page = new JsonObject().put("data", data);
      if (q == null) {
        page.put("nextCursor", list.size() == limit ? Ids.MEMORY.format(list.get(list.size() - 1).id()) : null);
      }
      Json.write(ctx, 200, page);
    }).onFailure(err -> ctx.fail(toApi(err)));
  }

  public void delete(RoutingContext ctx) {
    TenantView tenant = TenantAuth.tenant(ctx);
    long contactId = contactId(ctx);
    Long memoryId = Ids.MEMORY.parse(ctx.pathParam("memoryId"));
    if (memoryId == null) {
      throw ApiException.notFound("no such memory");
    }
    contact(tenant, contactId)
        .compose(v -> bus.<Found>request(Addresses.MEMORY_DELETE, new MemoryDelete(tenant.id(), contactId, memoryId), STORE))
        .onSuccess(m -> {
          if (m.body().found()) {
            ctx.response().setStatusCode(204).end();
          } else {
            ctx.fail(ApiException.notFound("no such memory"));
          }
        })
        .onFailure(err -> ctx.fail(toApi(err)));
  }

  /** What a stored memory is made of. */
  private record Draft(String content, double importance, String category, String source, Instant expiresAt) {
  }

  private static Draft draft(JsonObject body) {
    for (String field : body.fieldNames()) {
      if (!FIELDS.contains(field)) {
        throw SendRequestParser.invalid(field, "unknown field (use content, importance, category, source, expiresAt)");
      }
    }
    if (!(body.getValue("content") instanceof String content) || content.isBlank() || content.length() > MAX_CONTENT) {
      throw SendRequestParser.invalid("content", "is required: a text of 1 to " + MAX_CONTENT + " characters");
    }
    Object imp = body.getValue("importance", 0.5);
    if (!(imp instanceof Number n) || !(n.doubleValue() >= 0 && n.doubleValue() <= 1)) {
      throw SendRequestParser.invalid("importance", "must be a number from 0 to 1");
    }
    Object category = body.getValue("category");
    if (category != null && (!(category instanceof String c) || c.isBlank() || c.length() > 60)) {
      throw SendRequestParser.invalid("category", "must be a text of 1 to 60 characters");
    }
    Object source = body.getValue("source", "manual");
    if (!"manual".equals(source) && !"import".equals(source)) {
      throw SendRequestParser.invalid("source", "must be manual or import");
    }
    Instant expires = null;
    if (body.getValue("expiresAt") != null) {
      try {
        expires = Instant.parse(String.valueOf(body.getValue("expiresAt")));
      } catch (DateTimeParseException e) {
        throw SendRequestParser.invalid("expiresAt", "must be an ISO-8601 instant such as 2030-01-31T12:00:00Z");
      }
      if (!expires.isAfter(Instant.now())) {
        throw SendRequestParser.invalid("expiresAt", "must be in the future");
      }
    }
    return new Draft(content.strip(), n.doubleValue(), (String) category, (String) source, expires);
  }

  private static double minScore(RoutingContext ctx) {
    String v = ctx.request().getParam("minScore");
    if (v == null) {
      return 0;
    }
    try {
      double d = Double.parseDouble(v);
      if (d >= 0 && d <= 1) {
        return d;
      }
    } catch (NumberFormatException ignored) {
      // answered below
    }
    throw SendRequestParser.invalid("minScore", "must be a number from 0 to 1");
  }

  private static long contactId(RoutingContext ctx) {
    Long id = Ids.CONTACT.parse(ctx.pathParam("id"));
    if (id == null) {
      throw ApiException.notFound("no such contact");
    }
    return id;
  }

  /** The tenant's first {@code llm} chain entry: its provider and embedding model embed the memories. */
  private static LlmSettings llmSettings(TenantView tenant) {
    for (MessagePluginRegistry.Entry e : tenant.chain()) {
      if ("llm".equals(e.type())) {
        return LlmSettings.parse(e.settings());
      }
    }
    throw new ApiException(422, "memory_not_configured", "the tenant's plugin chain has no llm plugin, whose baseUrl, "
        + "apiKey and memory.embeddingModel embed memories");
  }

  /** Succeeds when memory is available and the contact is the tenant's; else 503 or 404. */
  private Future<Void> contact(TenantView tenant, long contactId) {
    return bus.<MemorySchema>request(Addresses.MEMORY_STATUS, MemoryStatusQuery.INSTANCE, STORE)
        .compose(status -> status.body().available()
            ? bus.<Found>request(Addresses.AI_CONTACT, new ContactQuery(tenant.id(), contactId), STORE)
            : Future.failedFuture(unavailable(status.body().reason())))
        .compose(found -> found.body().found() ? Future.succeededFuture()
            : Future.failedFuture(ApiException.notFound("no such contact")));
  }

  private Future<String> embed(TenantView tenant, long contactId, LlmSettings llm, String text) {
    String model = llm.memory().embeddingModel();
    return ModelClient.embed(vertx, http, llm.endpoint(), model, text).compose(call -> {
      AiUsage.record(bus, new AiUsage.Subject(tenant.id(), contactId, null, null), "embedding", model, call,
          llm.cost("embedding", call));
      if (call.ok()) {
        return Future.succeededFuture(call.vector());
      }
      return Future.failedFuture(call.retryable()
          ? new ApiException(503, "embedding_unavailable", "the embedding provider did not answer in time or is "
              + "throttled (" + call.outcome() + "); retry later", 5L)
          : new ApiException(502, "embedding_failed", "the embedding provider refused: " + call.error()));
    });
  }

  private static ApiException unavailable(String reason) {
    return new ApiException(503, "memory_unavailable", "contact memory is unavailable: " + reason);
  }

  private static ApiException toApi(Throwable err) {
    if (err instanceof ReplyException re && re.failureCode() == FailureCodes.MEMORY_UNAVAILABLE) {
      return unavailable(re.getMessage());
    }
    if (err instanceof ReplyException re && re.failureCode() == FailureCodes.BAD_REQUEST) {
      return new ApiException(422, "embedding_mismatch", re.getMessage());
    }
    return MessagesApi.toApi(err);
  }

  static JsonObject json(Memory m) {
    JsonObject o = new JsonObject().put("id", Ids.MEMORY.format(m.id())).put("contactId", Ids.CONTACT.format(m.contactId()))
        .put("content", m.content()).put("importance", Math.round(m.importance() * 1000) / 1000.0)
        .put("category", m.category()).put("source", m.source())
        .put("createdAt", m.createdAt().toString()).put("updatedAt", m.updatedAt().toString())
        .put("expiresAt", m.expiresAt() == null ? null : m.expiresAt().toString());
    if (m.score() != null) {
      o.put("score", Math.round(m.score() * 10_000) / 10_000.0);
    }
    return o;
  }
}
