package dev.switchboard.gateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.testing.RunningGateway;
import dev.switchboard.gateway.testing.WhatsApp;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tenant read API through the real gateway and the real database: conversations, their
 * messages (both directions, newest first), contacts and their look-ups. Each route: a good call, a
 * bad call (400 naming the parameter), another tenant's id (404, the same body as a missing id), no
 * credentials and a wrong key (401). The messages of a conversation are paged while new ones arrive.
 */
class ReadApiIT {
  private static final String TENANT = "read-api-it";
  private static final String OTHER = "read-api-it-b";
  private static final String KEY = "key-" + TENANT + "-0123456789abcdef";
  private static final String OTHER_KEY = "key-" + OTHER + "-0123456789abcdef";
  private static final String OTHER_PHONE_NUMBER_ID = "106540352249999";
  private static final AtomicLong WAMIDS = new AtomicLong(System.currentTimeMillis());
  private static final long BASE = 14155550000L + System.currentTimeMillis() % 1000 * 10;
  private static final String ALICE = Long.toString(BASE + 1);
  private static final String BOB = Long.toString(BASE + 2);
  private static final String CAROL = Long.toString(BASE + 3);
  private static final String PAGER = Long.toString(BASE + 4);
  private static final String OTHERS_CONTACT = Long.toString(BASE + 5);
  private static RunningGateway gw;
  /** Conversation and contact ids by phone, as the API lists them. */
  private static final Map<String, JsonObject> CONVERSATIONS = new HashMap<>();
  private static String othersConversation;
  private static String othersContact;

  @BeforeAll
  static void start() {
    JsonObject a = RunningGateway.tenantConfig(TENANT, 1000, 1000);
    JsonObject b = RunningGateway.tenantConfig(OTHER, 1000, 1000);
    b.getJsonObject("channels").getJsonObject("whatsapp").put("phoneNumberId", OTHER_PHONE_NUMBER_ID);
    gw = RunningGateway.start(List.of(a, b), new JsonObject());
    // one conversation each, started in this order (so newest first is carol, bob, alice)
    inbound(TENANT, RunningGateway.PHONE_NUMBER_ID, ALICE, "Alice", "hello from alice");
    inbound(TENANT, RunningGateway.PHONE_NUMBER_ID, BOB, "Bob", "hello from bob");
    inbound(TENANT, RunningGateway.PHONE_NUMBER_ID, CAROL, "Carol", "hello from carol");
    // bob is answered by a person from the phone app: an outbound message (and a human takeover)
    echo(TENANT, RunningGateway.PHONE_NUMBER_ID, BOB, "a person answers bob");
    inbound(OTHER, OTHER_PHONE_NUMBER_ID, OTHERS_CONTACT, "Dave", "hello from the other tenant");

    JsonArray mine = ok(get("/v1/conversations", KEY)).getJsonArray("data");
    for (int i = 0; i < mine.size(); i++) {
      JsonObject c = mine.getJsonObject(i);
      CONVERSATIONS.put(c.getString("chatId"), c);
    }
    JsonObject theirs = ok(get("/v1/conversations", OTHER_KEY)).getJsonArray("data").getJsonObject(0);
    othersConversation = theirs.getString("id");
    othersContact = theirs.getString("contactId");
  }

  @AfterAll
  static void stop() {
    if (gw != null) {
      gw.close();
    }
  }

  private static void inbound(String tenant, String phoneNumberId, String from, String name, String text) {
    String wamid = "wamid.read-api-" + WAMIDS.incrementAndGet();
    post(tenant, WhatsApp.text(phoneNumberId, from, name, wamid, System.currentTimeMillis() / 1000, text));
  }

  private static void echo(String tenant, String phoneNumberId, String to, String text) {
    String wamid = "wamid.read-api-echo-" + WAMIDS.incrementAndGet();
    post(tenant, WhatsApp.echo(phoneNumberId, to, wamid, System.currentTimeMillis() / 1000, text));
  }

  private static void post(String tenant, String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> r = gw.post("/webhooks/whatsapp/" + tenant, bytes, "application/json",
        WhatsApp.sign(bytes, RunningGateway.APP_SECRET));
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  private static HttpResponse<String> get(String path, String key) {
    return key == null ? gw.get(path) : gw.get(path, "Authorization", "Bearer " + key);
  }

  private static JsonObject ok(HttpResponse<String> r) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return new JsonObject(r.body());
  }

  private static void assertError(HttpResponse<String> r, int status, String code, String messageStart) {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonObject error = new JsonObject(r.body()).getJsonObject("error");
    assertThat(error.getString("code")).isEqualTo(code);
    if (messageStart != null) {
      assertThat(error.getString("message")).startsWith(messageStart);
    }
    assertThat(r.body()).doesNotContain("Exception");
  }

  /** No credentials and a wrong key both answer 401 before anything else is looked at. */
  private static void assertNeedsTheKey(String path) {
    assertError(get(path, null), 401, "unauthorized", null);
    assertError(get(path, "key-wrong-0123456789abcdef"), 401, "unauthorized", null);
  }

  /** Another tenant's id answers exactly as an id that does not exist. */
  private static void assertSameAsMissing(String othersPath, String missingPath) {
    HttpResponse<String> other = get(othersPath, KEY);
    HttpResponse<String> missing = get(missingPath, KEY);
    assertThat(other.statusCode()).isEqualTo(404);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(other.body()).isEqualTo(missing.body());
    // and the owner does see it
    assertThat(get(othersPath, OTHER_KEY).statusCode()).isEqualTo(200);
  }

  @Test
  void listConversations() {
    JsonObject page = ok(get("/v1/conversations", KEY));
    List<String> chats = new ArrayList<>();
    page.getJsonArray("data").forEach(c -> chats.add(((JsonObject) c).getString("chatId")));
    assertThat(chats).containsSubsequence(CAROL, BOB, ALICE).doesNotContain(OTHERS_CONTACT);
    JsonObject bob = CONVERSATIONS.get(BOB);
    assertThat(bob.getString("id")).startsWith("conv_");
    assertThat(bob.getString("contactId")).startsWith("ct_");
    assertThat(bob.getString("channel")).isEqualTo("whatsapp");
    assertThat(bob.getString("createdAt")).isNotNull();

    // filters: status (bob was taken over by a person), contact, channel
    JsonArray paused = ok(get("/v1/conversations?status=paused", KEY)).getJsonArray("data");
    assertThat(paused.stream().map(c -> ((JsonObject) c).getString("chatId"))).containsExactly(BOB);
    JsonArray alice = ok(get("/v1/conversations?contact=" + CONVERSATIONS.get(ALICE).getString("contactId"), KEY))
        .getJsonArray("data");
    assertThat(alice.stream().map(c -> ((JsonObject) c).getString("chatId"))).containsExactly(ALICE);
    assertThat(ok(get("/v1/conversations?channel=telegram", KEY)).getJsonArray("data")).isEmpty();
    // another tenant's contact filters to nothing
    assertThat(ok(get("/v1/conversations?contact=" + othersContact, KEY)).getJsonArray("data")).isEmpty();

    // pages: limit 1 walks them one by one, then nextCursor is null
    JsonObject first = ok(get("/v1/conversations?limit=1", KEY));
    assertThat(first.getJsonArray("data")).hasSize(1);
    assertThat(first.getString("nextCursor")).isNotNull();
    JsonObject second = ok(get("/v1/conversations?limit=1&cursor=" + first.getString("nextCursor"), KEY));
    assertThat(second.getJsonArray("data").getJsonObject(0).getString("id"))
        .isNotEqualTo(first.getJsonArray("data").getJsonObject(0).getString("id"));
    JsonObject all = ok(get("/v1/conversations?limit=200", KEY));
    assertThat(all.getValue("nextCursor")).isNull();
    assertThat(all.containsKey("nextCursor")).isTrue();

    assertError(get("/v1/conversations?limit=0", KEY), 400, "invalid_request", "limit: ");
    assertError(get("/v1/conversations?limit=201", KEY), 400, "invalid_request", "limit: ");
    assertError(get("/v1/conversations?status=open", KEY), 400, "invalid_request", "status: ");
    assertError(get("/v1/conversations?contact=conv_1", KEY), 400, "invalid_request", "contact: ");
    assertNeedsTheKey("/v1/conversations");
  }

  @Test
  void aTamperedCursorAnswers400NamingIt() {
    String cursor = ok(get("/v1/conversations?limit=1", KEY)).getString("nextCursor");
    String tampered = cursor.substring(0, cursor.length() - 2) + (cursor.endsWith("A") ? "BB" : "AA");
    assertError(get("/v1/conversations?limit=1&cursor=" + tampered, KEY), 400, "invalid_request", "cursor: ");
    assertError(get("/v1/conversations?cursor=not-a-cursor", KEY), 400, "invalid_request", "cursor: ");
    // a cursor of another list is no cursor of this one
    String conversation = CONVERSATIONS.get(BOB).getString("id");
    assertError(get("/v1/conversations/" + conversation + "/messages?cursor=" + cursor, KEY), 400,
        "invalid_request", "cursor: ");
  }

  @Test
  void getConversation() {
    JsonObject bob = CONVERSATIONS.get(BOB);
    JsonObject one = ok(get("/v1/conversations/" + bob.getString("id"), KEY));
    assertThat(one).isEqualTo(ok(get("/v1/conversations?contact=" + bob.getString("contactId"), KEY))
        .getJsonArray("data").getJsonObject(0));
    assertThat(one.getString("status")).isEqualTo("paused");
    assertThat(one.getString("pausedReason")).isNotNull();
    assertSameAsMissing("/v1/conversations/" + othersConversation, "/v1/conversations/conv_zzzzzzzz");
    assertError(get("/v1/conversations/" + bob.getString("contactId"), KEY), 404, "not_found", null);
    assertNeedsTheKey("/v1/conversations/" + bob.getString("id"));
  }

  @Test
  void listConversationMessagesInBothDirectionsNewestFirst() {
    String id = CONVERSATIONS.get(BOB).getString("id");
    JsonArray messages = ok(get("/v1/conversations/" + id + "/messages", KEY)).getJsonArray("data");
    assertThat(messages).hasSize(2);
    JsonObject newest = messages.getJsonObject(0);
    JsonObject oldest = messages.getJsonObject(1);
    assertThat(newest.getString("direction")).isEqualTo("outbound");
    assertThat(newest.getString("text")).isEqualTo("a person answers bob");
    assertThat(oldest.getString("direction")).isEqualTo("inbound");
    assertThat(oldest.getString("text")).isEqualTo("hello from bob");
    // the same shape as GET /v1/messages/{id}
    assertThat(ok(get("/v1/messages/" + oldest.getString("id"), KEY))).isEqualTo(oldest);

    assertError(get("/v1/conversations/" + id + "/messages?limit=abc", KEY), 400, "invalid_request", "limit: ");
    assertSameAsMissing("/v1/conversations/" + othersConversation + "/messages",
        "/v1/conversations/conv_zzzzzzzz/messages");
    assertNeedsTheKey("/v1/conversations/" + id + "/messages");
  }

  @Test
  void getContact() {
    String id = CONVERSATIONS.get(ALICE).getString("contactId");
    JsonObject alice = ok(get("/v1/contacts/" + id, KEY));
    assertThat(alice.getString("id")).isEqualTo(id);
    assertThat(alice.getString("platformId")).isEqualTo(ALICE);
    assertThat(alice.getString("phone")).isEqualTo("+" + ALICE);
    assertThat(alice.getString("name")).isEqualTo("Alice");
    assertThat(alice.getString("channel")).isEqualTo("whatsapp");
    assertSameAsMissing("/v1/contacts/" + othersContact, "/v1/contacts/ct_zzzzzzzz");
    assertError(get("/v1/contacts/" + CONVERSATIONS.get(ALICE).getString("id"), KEY), 404, "not_found", null);
    assertNeedsTheKey("/v1/contacts/" + id);
  }

  @Test
  void findContacts() {
    String id = CONVERSATIONS.get(CAROL).getString("contactId");
    JsonArray byPlatformId = ok(get("/v1/contacts?channel=whatsapp&platformId=" + CAROL, KEY)).getJsonArray("data");
    assertThat(byPlatformId.stream().map(c -> ((JsonObject) c).getString("id"))).containsExactly(id);
    JsonArray byPhone = ok(get("/v1/contacts?phone=" + URLEncoder.encode("+" + CAROL, StandardCharsets.UTF_8), KEY))
        .getJsonArray("data");
    assertThat(byPhone.stream().map(c -> ((JsonObject) c).getString("id"))).containsExactly(id);
    assertThat(ok(get("/v1/contacts?phone=" + CAROL, KEY)).getJsonArray("data")).hasSize(1);
    // another tenant's contact is not found by its platform id or phone
    assertThat(ok(get("/v1/contacts?channel=whatsapp&platformId=" + OTHERS_CONTACT, KEY)).getJsonArray("data")).isEmpty();
    assertThat(ok(get("/v1/contacts?phone=" + OTHERS_CONTACT, KEY)).getJsonArray("data")).isEmpty();
    assertThat(ok(get("/v1/contacts?phone=" + OTHERS_CONTACT, OTHER_KEY)).getJsonArray("data")).hasSize(1);

    assertError(get("/v1/contacts", KEY), 400, "invalid_request", "phone: ");
    assertError(get("/v1/contacts?platformId=" + CAROL, KEY), 400, "invalid_request", "channel: ");
    assertError(get("/v1/contacts?phone=call-me", KEY), 400, "invalid_request", "phone: ");
    assertNeedsTheKey("/v1/contacts?phone=" + CAROL);
  }

  @Test
  void pagesOfMessagesStayExactWhileNewMessagesArrive() throws Exception {
    int older = 45;
    for (int i = 0; i < older; i++) {
      inbound(TENANT, RunningGateway.PHONE_NUMBER_ID, PAGER, "Pager", "older " + i);
    }
    String conversation = ok(get("/v1/contacts?channel=whatsapp&platformId=" + PAGER, KEY)).getJsonArray("data")
        .getJsonObject(0).getString("id");
    String conversationId = ok(get("/v1/conversations?contact=" + conversation, KEY)).getJsonArray("data")
        .getJsonObject(0).getString("id");
    List<String> before = new ArrayList<>();
    ok(get("/v1/conversations/" + conversationId + "/messages?limit=200", KEY)).getJsonArray("data")
        .forEach(m -> before.add(((JsonObject) m).getString("id")));
    assertThat(before).hasSize(older);

    // a writer keeps posting webhooks to the same conversation while the pages are read
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger written = new AtomicInteger();
    ExecutorService writer = Executors.newSingleThreadExecutor();
    Future<?> writes = writer.submit(() -> {
      while (writing.get() && written.get() < 200) {
        inbound(TENANT, RunningGateway.PHONE_NUMBER_ID, PAGER, "Pager", "newer " + written.incrementAndGet());
      }
    });
    List<String> seen = new ArrayList<>();
    try {
      String cursor = null;
      int pages = 0;
      do {
        JsonObject page = ok(get("/v1/conversations/" + conversationId + "/messages?limit=4"
            + (cursor == null ? "" : "&cursor=" + cursor), KEY));
        page.getJsonArray("data").forEach(m -> seen.add(((JsonObject) m).getString("id")));
        cursor = page.getString("nextCursor");
        pages++;
        if (pages == 2) {
          // some messages arrive after paging has begun
          Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> written.get() >= 3);
        }
      } while (cursor != null);
    } finally {
      writing.set(false);
      writes.get(60, TimeUnit.SECONDS);
      writer.shutdown();
    }
    assertThat(written.get()).isGreaterThanOrEqualTo(3);
    Set<String> unique = new HashSet<>(seen);
    assertThat(unique).as("no message twice").hasSize(seen.size());
    assertThat(seen).as("every older message once").containsAll(before);
    // and in order: newest first, the older ones exactly as they were listed before
    assertThat(seen.stream().filter(before::contains).toList()).containsExactlyElementsOf(before);
  }
}
