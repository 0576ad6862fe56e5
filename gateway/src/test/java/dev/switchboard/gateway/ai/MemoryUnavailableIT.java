package dev.switchboard.gateway.ai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.testing.LlmTestbed;
import dev.switchboard.gateway.testing.RunningGateway;
import dev.switchboard.gateway.testing.TestDatabase;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The default database (Debian's PostgreSQL 15, as the suite's) has no pgvector: the gateway still
 * starts, {@code /ready} says why memory is unavailable, the memory routes answer
 * {@code 503 memory_unavailable} with that reason, and the llm plugin answers without memories.
 */
class MemoryUnavailableIT {
  private static final String TENANT = "llm-nomem-it";
  private static final String KEY = "sk-test-nomem-0123456789";
  private static LlmTestbed bed;

  @BeforeAll
  static void start() {
    assertThat(TestDatabase.number("SELECT count(*) FROM pg_available_extensions WHERE name = 'vector'"))
        .as("this test needs a PostgreSQL without pgvector (the suite's own, or a DATABASE_URL without it)").isZero();
    bed = new LlmTestbed(KEY);
    bed.start(List.of(bed.tenant(TENANT, RunningGateway.PHONE_NUMBER_ID, bed.llm(KEY, new JsonObject()
        .put("memory", new JsonObject().put("enabled", true).put("extract", true))))), new JsonObject());
  }

  @AfterAll
  static void stop() {
    if (bed != null) {
      bed.close();
    }
  }

  @Test
  void readySaysWhyMemoryIsUnavailable() {
    HttpResponse<String> ready = bed.gw.get("/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(ready.body()).getJsonObject("checks").getString("memory"))
        .isEqualTo("unavailable (the server has no pgvector extension)");
    assertThat(TestDatabase.number("SELECT count(*) FROM pg_tables WHERE tablename = 'contact_memories'")).isZero();
  }

  @Test
  void theMemoryRoutesAnswer503WithTheReasonAndTheResponderAnswersWithoutMemories() {
    String customer = LlmTestbed.phone();
    String wamid = bed.inbound(TENANT, RunningGateway.PHONE_NUMBER_ID, customer, "Hello without memory");
    Awaitility.await().atMost(Duration.ofSeconds(15))
        .until(() -> bed.textsTo(customer).contains("You said: Hello without memory"));
    assertThat(bed.model.calls("/v1/embeddings")).isEmpty();

    String path = "/v1/contacts/" + LlmTestbed.contactOf(TENANT, wamid) + "/memories";
    String auth = "Bearer " + LlmTestbed.apiKey(TENANT);
    for (HttpResponse<String> r : List.of(bed.gw.get(path, "Authorization", auth),
        bed.gw.get(path + "?q=hello", "Authorization", auth),
        bed.gw.postJson(path, new JsonObject().put("content", "likes tea").encode(), "Authorization", auth),
        bed.gw.delete(path + "/mem_1", "Authorization", auth))) {
      assertThat(r.statusCode()).as(r.body()).isEqualTo(503);
      assertThat(new JsonObject(r.body()).getJsonObject("error")).isEqualTo(new JsonObject().put("code", "memory_unavailable")
          .put("message", "contact memory is unavailable: the server has no pgvector extension"));
    }
    assertThat(bed.model.calls("/v1/embeddings")).isEmpty();
  }
}
