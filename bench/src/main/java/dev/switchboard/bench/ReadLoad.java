package dev.switchboard.bench;

import io.vertx.core.Future;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Load generator for the tenant read API ({@link LoadTool}): {@code GET} of one path and query
 * (a list page, e.g. {@code /v1/conversations?limit=50&cursor=…}) with the tenant's API key as
 * {@code Authorization: Bearer}; success is {@code 200}. {@code --url} names the gateway and the
 * path; the query, with its cursor, is given apart so it is sent as it is.
 */
public final class ReadLoad {

  static final String USAGE = String.join("\n",
      "usage: ReadLoad --url URL --api-key KEY [options]",
      "  --url URL               http://host:port/v1/conversations (the path read)",
      "  --api-key KEY           the tenant's API key (Authorization: Bearer)",
      "  --query QUERY           the query string, without '?' (default none), e.g. limit=50&cursor=…");

  static final LoadTool.Spec SPEC = new LoadTool.Spec("ReadLoad", USAGE, Set.of("api-key", "query"), 200,
      ReadLoad::traffic);

  private ReadLoad() {
  }

  public static void main(String[] args) throws Exception {
    LoadTool.main(SPEC, args);
  }

  private static Supplier<Traffic> traffic(LoadSettings s) {
    String apiKey = s.required("api-key");
    if (!apiKey.matches("[\\x21-\\x7e]+")) {
      throw new IllegalArgumentException("--api-key must be printable ASCII");
    }
    String query = s.option("query", "");
    if (!query.matches("[\\x21-\\x7e]*")) {
      throw new IllegalArgumentException("--query must be printable ASCII (URL-encoded)");
    }
    String uri = query.isEmpty() ? s.path : s.path + "?" + query;
    CharSequence bearer = HttpHeaders.createOptimized("Bearer " + apiKey);
    return () -> new Get(uri, bearer);
  }

  /** The same GET every time (the load loop opens requests as POSTs to the path; this turns them into the read). */
  private record Get(String uri, CharSequence bearer) implements Traffic {
    @Override
    public Future<HttpClientResponse> send(HttpClientRequest req, long seq) {
      return req.setMethod(HttpMethod.GET).setURI(uri).putHeader(HttpHeaders.AUTHORIZATION, bearer).send();
    }
  }
}
