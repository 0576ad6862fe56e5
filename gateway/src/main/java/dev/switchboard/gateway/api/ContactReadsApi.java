package dev.switchboard.gateway.api;

import dev.switchboard.gateway.edge.ApiException;
import dev.switchboard.gateway.store.ReadRecords.ContactGet;
import dev.switchboard.gateway.store.ReadRecords.ContactLookup;
import dev.switchboard.gateway.tenants.TenantView;
import dev.switchboard.plugin.bus.Addresses;
import io.vertx.core.eventbus.EventBus;
import io.vertx.ext.web.RoutingContext;
import java.util.regex.Pattern;

/**
 * {@code GET /v1/contacts/{id}} and the look-ups {@code GET /v1/contacts?channel=&platformId=} (a
 * WhatsApp BSUID matches too) or {@code ?phone=} (E.164, {@code +} optional). Another tenant's
 * contact answers 404 exactly as a missing one; a look-up finds only the tenant's own contacts.
 */
public final class ContactReadsApi {
  static final String CONTACTS = "ct";
  private static final String NOT_FOUND = "no such contact";
  private static final Pattern PHONE = Pattern.compile("\\+[1-9][0-9]{5,14}");
  private final ReadAnswers reads;

  public ContactReadsApi(EventBus bus) {
    this.reads = new ReadAnswers(bus);
  }

  public void get(RoutingContext ctx) {
    Long id = Ids.CONTACT.parse(ctx.pathParam("id"));
    if (id == null) {
      throw ApiException.notFound(NOT_FOUND);
    }
    reads.one(ctx, Addresses.READ_CONTACT, new ContactGet(TenantAuth.tenant(ctx).id(), id), NOT_FOUND);
  }

  public void find(RoutingContext ctx) {
    TenantView tenant = TenantAuth.tenant(ctx);
    String channel = ReadAnswers.param(ctx, "channel");
    String platformId = ReadAnswers.param(ctx, "platformId");
    String phone = ReadAnswers.param(ctx, "phone");
    if (phone == null && platformId == null) {
      throw SendRequestParser.invalid(channel == null ? "phone" : "platformId",
          "give channel and platformId, or phone");
    }
    if (platformId != null && channel == null) {
      throw SendRequestParser.invalid("channel", "is required with platformId");
    }
    if (phone != null) {
      // a bare '+' in a query string reads as a space
      phone = "+" + phone.strip().replaceFirst("^\\+", "");
      if (!PHONE.matcher(phone).matches()) {
        throw SendRequestParser.invalid("phone", "must be an E.164 number (+14155550123; send the + as %2B or leave it out)");
      }
    }
    if (platformId != null && platformId.length() > 200) {
      throw SendRequestParser.invalid("platformId", "must be at most 200 characters");
    }
    ContactLookup q = new ContactLookup(tenant.id(), channel, platformId, phone,
        Cursor.decode(CONTACTS, ReadAnswers.param(ctx, "cursor")), Paging.limit(ctx));
    reads.page(ctx, Addresses.READ_CONTACTS, q, CONTACTS, NOT_FOUND);
  }
}
