package dev.switchboard.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.OpenAPIContract;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The contract with validators kept per schema: the same verdicts as vertx-openapi's own, one validator per schema. */
class CachingContractTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private OpenAPIContract resolved() throws Exception {
    return OpenAPIContract.from(vertx, ApiContract.document())
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static JsonSchema sendBody(OpenAPIContract contract) {
    return contract.operation("sendMessage").getRequestBody().getContent().get("application/json").getSchema();
  }

  private static final List<String> BODIES = List.of(
      "{\"channel\":\"telegram\",\"to\":\"800000001\",\"text\":\"hello\"}",
      "{\"channel\":7,\"to\":\"800000001\",\"text\":\"hello\"}",
      "{\"channel\":\"telegram\",\"text\":[\"not\",\"a\",\"string\"]}",
      "{\"channel\":\"telegram\",\"contacts\":{\"not\":\"an array\"}}",
      "{\"channel\":\"whatsapp\",\"to\":\"+15551234567\",\"previewUrl\":\"yes\",\"text\":\"x\"}",
      "{}");

  @Test
  void oneValidatorPerSchemaWithTheLibrarysVerdicts() throws Exception {
    OpenAPIContract plain = resolved();
    CachingContract cached = new CachingContract(resolved());
    JsonSchema schema = sendBody(cached);

    Validator first = cached.getSchemaRepository().validator(schema);
    assertThat(cached.getSchemaRepository().validator(schema)).isSameAs(first);
    // an equal schema that is another object is another key: only the contract's own instances are kept
    assertThat(cached.getSchemaRepository().validator(sendBody(plain))).isNotSameAs(first);

    List<Boolean> verdicts = new ArrayList<>();
    for (String body : BODIES) {
      boolean expected = plain.getSchemaRepository().validator(sendBody(plain)).validate(new JsonObject(body)).getValid();
      assertThat(first.validate(new JsonObject(body)).getValid()).as(body).isEqualTo(expected);
      verdicts.add(expected);
    }
    // the bodies exercise both verdicts, so agreeing with the library is not trivially true
    assertThat(verdicts).containsExactly(true, false, false, false, false, true);
  }

  @Test
  void theEdgesContractKeepsItsValidators() throws Exception {
    ApiContract loaded = ApiContract.load(vertx).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    JsonSchema schema = sendBody(loaded.contract());
    assertThat(loaded.contract().getSchemaRepository().validator(schema))
        .isSameAs(loaded.contract().getSchemaRepository().validator(schema));
  }

  @Test
  void oneValidatorServesConcurrentRequests() throws Exception {
    CachingContract cached = new CachingContract(resolved());
    Validator validator = cached.getSchemaRepository().validator(sendBody(cached));
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 4_000; i++) {
        String body = BODIES.get(i % BODIES.size());
        Callable<Boolean> check = () -> validator.validate(new JsonObject(body)).getValid();
        results.add(threads.submit(check));
      }
      for (int i = 0; i < results.size(); i++) {
        boolean valid = i % BODIES.size() == 0 || i % BODIES.size() == BODIES.size() - 1;
        assertThat(results.get(i).get(30, TimeUnit.SECONDS)).as(BODIES.get(i % BODIES.size())).isEqualTo(valid);
      }
    } finally {
      threads.shutdownNow();
    }
  }
}
