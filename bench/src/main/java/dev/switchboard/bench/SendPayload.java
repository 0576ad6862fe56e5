package dev.switchboard.bench;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;

/**
 * Builds {@code POST /v1/messages} text sends: {@code {"channel","to","text"}} with the tenant's
 * API key as {@code Authorization: Bearer}. Request {@code seq} goes to chat
 * {@code chatBase + seq % chats} (round-robin, so per-conversation ordering does not serialise the
 * load), and its text is {@link #text} — a tag the fake platform reads back to find duplicates.
 *
 * <p>Not thread-safe: one instance per event loop (it reuses its {@link StringBuilder}).
 */
final class SendPayload implements Traffic {

  static final String TAG = "sbbench";

  private final CharSequence bearer;
  private final String head;
  private final String runId;
  private final long chatBase;
  private final int chats;
  private final StringBuilder sb = new StringBuilder(256);

  /** A send's tag, read back from its text: the run and the request number. */
  record Tag(String runId, long seq) {
  }

  /**
   * @param channel  the send's {@code channel} ([a-z]+)
   * @param chatBase the first chat id (chat ids are digits: Telegram private chats, WhatsApp phones)
   * @param chats    distinct chats cycled over
   */
  SendPayload(String apiKey, String channel, long chatBase, int chats, String runId) {
    if (!apiKey.matches("[\\x21-\\x7e]+")) throw new IllegalArgumentException("api key must be printable ASCII");
    if (!channel.matches("[a-z]{1,40}")) throw new IllegalArgumentException("channel must be [a-z]+");
    if (!runId.matches("[A-Za-z0-9_-]{1,64}")) throw new IllegalArgumentException("run id must match [A-Za-z0-9_-]{1,64}");
    if (chatBase < 1 || chats < 1 || chatBase > Long.MAX_VALUE / 2) throw new IllegalArgumentException("chat ids must be positive");
    this.bearer = HttpHeaders.createOptimized("Bearer " + apiKey);
    this.head = "{\"channel\":\"" + channel + "\",\"to\":\"";
    this.runId = runId;
    this.chatBase = chatBase;
    this.chats = chats;
  }

  /** The text of request {@code seq} of run {@code runId}. */
  static String text(String runId, long seq) {
    return TAG + " " + runId + " " + seq;
  }

  /** The tag in {@code text}, or null when it is not a text {@link #text} made. */
  static Tag tag(String text) {
    if (text == null || !text.startsWith(TAG + " ")) {
      return null;
    }
    int space = text.indexOf(' ', TAG.length() + 1);
    if (space < 0) {
      return null;
    }
    try {
      long seq = Long.parseLong(text, space + 1, text.length(), 10);
      return seq < 0 ? null : new Tag(text.substring(TAG.length() + 1, space), seq);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** The chat request {@code seq} goes to. */
  long chat(long seq) {
    return chatBase + seq % chats;
  }

  /** The body of request {@code seq}: a new array (ASCII only). */
  byte[] body(long seq) {
    StringBuilder b = sb;
    b.setLength(0);
    b.append(head).append(chat(seq)).append("\",\"text\":\"").append(TAG).append(' ').append(runId).append(' ')
        .append(seq).append("\"}");
    int n = b.length();
    byte[] out = new byte[n];
    for (int i = 0; i < n; i++) {
      out[i] = (byte) b.charAt(i);
    }
    return out;
  }

  @Override
  public Future<HttpClientResponse> send(HttpClientRequest req, long seq) {
    return req.putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
        .putHeader(HttpHeaders.AUTHORIZATION, bearer)
        .send(Buffer.buffer(body(seq)));
  }
}
