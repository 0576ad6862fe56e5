package dev.switchboard.gateway.api;

import dev.switchboard.gateway.ai.AiRecords.UsageQuery;
import dev.switchboard.gateway.store.OutboxRecords.JsonAnswer;
import dev.switchboard.gateway.tenants.TenantView;
import dev.switchboard.plugin.bus.Addresses;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * {@code GET /v1/usage?from=&to=&groupBy=day|model|contact} (tenant API key): the tenant's model
 * calls, tokens and cost in {@code [from, to)}. {@code from} and {@code to} are ISO-8601 instants or
 * dates (UTC; a date as {@code to} includes that day); by default the last 30 days, by day.
 */
public final class UsageApi {
  private static final DeliveryOptions STORE = new DeliveryOptions().setSendTimeout(15_000);
  private static final List<String> GROUPS = List.of("day", "model", "contact");
  private final EventBus bus;

  public UsageApi(EventBus bus) {
    this.bus = bus;
  }

  public void usage(RoutingContext ctx) {
    TenantView tenant = TenantAuth.tenant(ctx);
    String groupBy = ctx.request().getParam("groupBy", "day");
    if (!GROUPS.contains(groupBy)) {
      throw SendRequestParser.invalid("groupBy", "must be day, model or contact");
    }
    Instant to = instant(ctx, "to", true);
    to = to == null ? Instant.now() : to;
    Instant from = instant(ctx, "from", false);
    from = from == null ? to.minus(Duration.ofDays(30)) : from;
    if (!from.isBefore(to)) {
      throw SendRequestParser.invalid("from", "must be before to");
    }
    bus.<JsonAnswer>request(Addresses.AI_USAGE_QUERY, new UsageQuery(tenant.id(), from, to, groupBy), STORE)
        .onSuccess(m -> Json.write(ctx, 200, new JsonObject(m.body().json())))
        .onFailure(err -> ctx.fail(MessagesApi.toApi(err)));
  }

  /** An instant or a date; a date given as the end includes that day. */
  private static Instant instant(RoutingContext ctx, String param, boolean end) {
    String v = ctx.request().getParam(param);
    if (v == null || v.isBlank()) {
      return null;
    }
    try {
      if (v.length() == 10) {
        LocalDate day = LocalDate.parse(v);
        return (end ? day.plusDays(1) : day).atStartOfDay().toInstant(ZoneOffset.UTC);
      }
      return Instant.parse(v);
    } catch (DateTimeParseException e) {
      throw SendRequestParser.invalid(param, "must be an ISO-8601 date (2026-01-31) or instant (2026-01-31T12:00:00Z)");
    }
  }
}
