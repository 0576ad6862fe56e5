package dev.switchboard.gateway.config;

import io.vertx.config.yaml.YamlProcessor;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;

/**
 * Turns YAML text into the tree {@link GatewayConfig#from} receives, through the same
 * vertx-config YAML processor the gateway uses for its config file (so numbers, lists and nested
 * mappings arrive exactly as in production). No network: a Vert.x instance only for its worker pool.
 */
final class YamlText implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();

  JsonObject parse(String yaml) {
    try {
      return new YamlProcessor().process(vertx, new JsonObject(), Buffer.buffer(yaml))
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("test YAML does not parse", e);
    }
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
