package dev.switchboard.bench;

import io.netty.util.AsciiString;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * Builds Meta-shaped WhatsApp Cloud API text-message webhooks and their {@code X-Hub-Signature-256}.
 *
 * <p>Not thread-safe: one instance per event loop (it reuses its {@link Mac}, its {@link StringBuilder}
 * and its digest buffer). Every body is pure ASCII, so it is copied char-for-byte into exactly one
 * new {@code byte[]} per request; the signature is one more small {@code byte[]} wrapped (not copied)
 * in an {@link AsciiString} that Netty writes straight to the wire.
 */
final class WebhookPayload implements Traffic {

  private static final CharSequence SIGNATURE = HttpHeaders.createOptimized("X-Hub-Signature-256");
  static final int MAX_SENDERS = 10_000;
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SIG_PREFIX = "sha256=".getBytes(StandardCharsets.US_ASCII);
  private static final String SENDER_PREFIX = "1555000"; // + 4 digits = 11-digit wa_id

  private final Mac mac;
  private final byte[] digest = new byte[32];
  private final StringBuilder sb = new StringBuilder(1024);
  private final String head;
  private final String idPrefix;
  private final int senders;

  /**
   * @param runId   prefix that makes message ids unique across runs ([A-Za-z0-9_-]+)
   * @param senders number of distinct {@code from} numbers cycled over (1..10000)
   */
  WebhookPayload(String appSecret, String phoneNumberId, String wabaId, String runId, int senders) {
    if (!phoneNumberId.matches("[0-9]{1,32}")) throw new IllegalArgumentException("phone number id must be digits");
    if (!wabaId.matches("[0-9]{1,32}")) throw new IllegalArgumentException("WABA id must be digits");
    if (!runId.matches("[A-Za-z0-9_-]{1,64}")) throw new IllegalArgumentException("run id must match [A-Za-z0-9_-]{1,64}");
    if (senders < 1 || senders > MAX_SENDERS) throw new IllegalArgumentException("senders must be 1.." + MAX_SENDERS);
    try {
      mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(appSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
    this.senders = senders;
    this.idPrefix = "wamid.bench." + runId + ".";
    this.head = "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"" + wabaId
        + "\",\"changes\":[{\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":"
        + "{\"display_phone_number\":\"15550000000\",\"phone_number_id\":\"" + phoneNumberId
        + "\"},\"contacts\":[{\"profile\":{\"name\":\"Bench User ";
  }

  /** A signed webhook: body {@link #body}, its signature and a JSON content type. */
  @Override
  public Future<HttpClientResponse> send(HttpClientRequest req, long seq) {
    byte[] body = body(seq, System.currentTimeMillis() / 1000);
    return req.putHeader(HttpHeaders.CONTENT_TYPE, Traffic.APPLICATION_JSON)
        .putHeader(SIGNATURE, sign(body))
        .send(Buffer.buffer(body));
  }

  /** The unique message id of request {@code seq}. */
  String messageId(long seq) {
    return idPrefix + seq;
  }

  /** The body of request {@code seq}: a new array, exactly the bytes that are signed and sent. */
  byte[] body(long seq, long epochSeconds) {
    StringBuilder b = sb;
    b.setLength(0);
    int sender = (int) (seq % senders);
    b.append(head);
    appendPadded(b, sender);
    b.append("\"},\"wa_id\":\"").append(SENDER_PREFIX);
    appendPadded(b, sender);
    b.append("\"}],\"messages\":[{\"from\":\"").append(SENDER_PREFIX);
    appendPadded(b, sender);
    b.append("\",\"id\":\"").append(idPrefix).append(seq)
        .append("\",\"timestamp\":\"").append(epochSeconds)
        .append("\",\"type\":\"text\",\"text\":{\"body\":\"Hello from the Switchboard load harness, message ")
        .append(seq)
        .append("\"}}]},\"field\":\"messages\"}]}]}");
    int n = b.length();
    byte[] out = new byte[n];
    for (int i = 0; i < n; i++) {
      out[i] = (byte) b.charAt(i); // ASCII only (validated inputs, digits, fixed text)
    }
    return out;
  }

  /** {@code sha256=} + lowercase hex HMAC-SHA256(body, app secret). */
  AsciiString sign(byte[] body) {
    mac.update(body);
    try {
      mac.doFinal(digest, 0); // also resets the Mac for the next call
    } catch (javax.crypto.ShortBufferException e) {
      throw new IllegalStateException(e);
    }
    byte[] sig = new byte[SIG_PREFIX.length + 64];
    System.arraycopy(SIG_PREFIX, 0, sig, 0, SIG_PREFIX.length);
    int p = SIG_PREFIX.length;
    for (byte d : digest) {
      sig[p++] = HEX[(d >> 4) & 0xf];
      sig[p++] = HEX[d & 0xf];
    }
    return new AsciiString(sig, false);
  }

  private static void appendPadded(StringBuilder b, int v) {
    b.append((char) ('0' + v / 1000 % 10))
        .append((char) ('0' + v / 100 % 10))
        .append((char) ('0' + v / 10 % 10))
        .append((char) ('0' + v % 10));
  }
}
