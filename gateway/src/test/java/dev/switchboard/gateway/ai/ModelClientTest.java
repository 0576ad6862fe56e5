package dev.switchboard.gateway.ai;

import static org.assertj.core.api.Assertions.assertThat;

import com.pgvector.PGvector;
import dev.switchboard.plugin.http.JsonPost;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The answers of the OpenAI API as its reference documents them, classified. */
class ModelClientTest {
  private static ModelClient.Call chat(int status, String body, String retryAfter) {
    return ModelClient.classify(new JsonPost.Answer(status, body == null ? null : new JsonObject(body), retryAfter, null),
        42, true);
  }

  @Test
  void aChatCompletionGivesItsContentAndUsage() {
    ModelClient.Call c = chat(200, """
        {"id":"chatcmpl-123","object":"chat.completion","created":1677652288,"model":"gpt-4o-mini",
         "choices":[{"index":0,"message":{"role":"assistant","content":"\\n\\nHello there, how may I assist you today?",
         "refusal":null},"logprobs":null,"finish_reason":"stop"}],
         "usage":{"prompt_tokens":9,"completion_tokens":12,"total_tokens":21}}""", null);
    assertThat(c.ok()).isTrue();
    assertThat(c.content()).isEqualTo("Hello there, how may I assist you today?");
    assertThat(c.promptTokens()).isEqualTo(9);
    assertThat(c.completionTokens()).isEqualTo(12);
    assertThat(c.latencyMs()).isEqualTo(42);
  }

  @Test
  void anAnswerWithoutContentIsABadAnswerNotRetried() {
    ModelClient.Call c = chat(200, """
        {"object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":null},
         "finish_reason":"content_filter"}],"usage":{"prompt_tokens":9,"completion_tokens":0,"total_tokens":9}}""", null);
    assertThat(c.outcome()).isEqualTo("bad_answer");
    assertThat(c.retryable()).isFalse();
    assertThat(c.error()).contains("content_filter");
    assertThat(c.promptTokens()).isEqualTo(9);
  }

  @Test
  void aRateLimitIsRetriedAfterItsRetryAfterButAQuotaThatRanOutIsNot() {
    ModelClient.Call limited = chat(429, """
        {"error":{"message":"Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3, Requested 1.",
         "type":"requests","param":null,"code":"rate_limit_exceeded"}}""", "20");
    assertThat(limited.outcome()).isEqualTo("rate_limited");
    assertThat(limited.retryable()).isTrue();
    assertThat(limited.retryAfterSeconds()).isEqualTo(20);
    assertThat(limited.error()).startsWith("http_429 rate_limit_exceeded: Rate limit reached");
    ModelClient.Call quota = chat(429, """
        {"error":{"message":"You exceeded your current quota, please check your plan and billing details.",
         "type":"insufficient_quota","param":null,"code":"insufficient_quota"}}""", null);
    assertThat(quota.outcome()).isEqualTo("client_error");
    assertThat(quota.retryable()).isFalse();
  }

  @Test
  void serverErrorsAreRetriedAndAWrongKeyIsNot() {
    ModelClient.Call server = chat(500, """
        {"error":{"message":"The server had an error while processing your request. Sorry about that!",
         "type":"server_error","param":null,"code":null}}""", null);
    assertThat(server.outcome()).isEqualTo("server_error");
    assertThat(server.retryable()).isTrue();
    assertThat(server.error()).isEqualTo("http_500 server_error: The server had an error while processing your request. "
        + "Sorry about that!");
    assertThat(chat(503, null, null).outcome()).isEqualTo("server_error");
    ModelClient.Call key = chat(401, """
        {"error":{"message":"Incorrect API key provided: sk-abc***xyz.","type":"invalid_request_error","param":null,
         "code":"invalid_api_key"}}""", null);
    assertThat(key.outcome()).isEqualTo("client_error");
    assertThat(key.retryable()).isFalse();
    assertThat(key.status()).isEqualTo(401);
    assertThat(chat(400, "{\"error\":{\"message\":\"'messages' is a required property\",\"type\":\"invalid_request_error\","
        + "\"param\":null,\"code\":null}}", null).error()).isEqualTo("http_400 invalid_request_error: 'messages' is a "
        + "required property");
  }

  @Test
  void noAnswerInTimeOrABrokenConnectionIsRetried() {
    ModelClient.Call timeout = ModelClient.classify(new JsonPost.Answer(0, null, null, JsonPost.NoAnswer.TIMEOUT), 1000, true);
    assertThat(timeout.outcome()).isEqualTo("timeout");
    assertThat(timeout.retryable()).isTrue();
    ModelClient.Call network = ModelClient.classify(new JsonPost.Answer(0, null, null, JsonPost.NoAnswer.NETWORK), 3, false);
    assertThat(network.outcome()).isEqualTo("network");
    assertThat(network.retryable()).isTrue();
  }

  @Test
  void anEmbeddingBecomesAPgvectorInTextForm() throws Exception {
    ModelClient.Call c = ModelClient.classify(new JsonPost.Answer(200, new JsonObject("""
        {"object":"list","data":[{"object":"embedding","embedding":[0.0023064255,-0.009327292,0.015797347],"index":0}],
         "model":"text-embedding-3-small","usage":{"prompt_tokens":8,"total_tokens":8}}"""), null, null), 5, false);
    assertThat(c.ok()).isTrue();
    assertThat(c.promptTokens()).isEqualTo(8);
    assertThat(new PGvector(c.vector()).toArray()).containsExactly(0.0023064255f, -0.009327292f, 0.015797347f);
    assertThat(Vectors.dimensions(c.vector())).isEqualTo(3);
    ModelClient.Call broken = ModelClient.classify(new JsonPost.Answer(200, new JsonObject(
        "{\"object\":\"list\",\"data\":[{\"embedding\":[0.1,\"x\"]}]}"), null, null), 5, false);
    assertThat(broken.outcome()).isEqualTo("bad_answer");
  }
}
