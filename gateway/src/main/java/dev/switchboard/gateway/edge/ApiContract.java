package dev.switchboard.gateway.edge;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The HTTP contract, {@code docs/openapi.yaml} (packaged with the gateway): the edge routes and
 * validates from it, and serves it as JSON at {@code GET /openapi.json}. Read and converted once,
 * at start, on a worker thread; each schema's validator is then built once ({@link CachingContract}).
 */
public final class ApiContract {
  /** Where the build puts {@code docs/openapi.yaml} on the class path. */
  static final String RESOURCE = "dev/switchboard/gateway/edge/openapi.yaml";

  private final OpenAPIContract contract;
  private final Buffer json;

  private ApiContract(OpenAPIContract contract, Buffer json) {
    this.contract = contract;
    this.json = json;
  }

  /** Reads the document (blocking part on a worker) and resolves it into a contract. */
  public static Future<ApiContract> load(Vertx vertx) {
    return vertx.executeBlocking(ApiContract::document, false)
        .compose(doc -> {
          Buffer json = doc.toBuffer();
          return OpenAPIContract.from(vertx, doc.copy()).map(c -> new ApiContract(new CachingContract(c), json));
        });
  }

  /** The document as JSON, read from the class path. Blocking. */
  public static JsonObject document() {
    try (InputStream in = ApiContract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("the API contract " + RESOURCE + " is not on the class path");
      }
      Object yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
      // through text: every nested map and list becomes a JsonObject / JsonArray
      return new JsonObject(Json.encode(yaml));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public OpenAPIContract contract() {
    return contract;
  }

  /** {@code GET /openapi.json}'s body, encoded once. */
  public Buffer json() {
    return json;
  }
}
