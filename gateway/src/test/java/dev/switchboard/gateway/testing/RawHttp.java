package dev.switchboard.gateway.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain loopback socket, for what {@code java.net.http} will not do: stop halfway
 * through a request, wait for {@code 100 Continue}, hold a connection open doing nothing, or see
 * exactly when the server closes it.
 */
public final class RawHttp implements AutoCloseable {
  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  /** A parsed answer; header names in lower case. */
  public record Response(int status, Map<String, String> headers, String body) {
  }

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  public static RawHttp connect(int port) {
    try {
      return new RawHttp(new Socket(InetAddress.getLoopbackAddress(), port));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The head of a signed WhatsApp webhook POST declaring {@code contentLength} body bytes. */
  public static String webhookHead(int port, String tenant, int contentLength, String signature, String... extraHeaders) {
    StringBuilder head = new StringBuilder()
        .append("POST /webhooks/whatsapp/").append(tenant).append(" HTTP/1.1\r\n")
        .append("Host: 127.0.0.1:").append(port).append("\r\n")
        .append("Content-Type: application/json\r\n")
        .append("Content-Length: ").append(contentLength).append("\r\n")
        .append("X-Hub-Signature-256: ").append(signature).append("\r\n");
    for (String h : extraHeaders) {
      head.append(h).append("\r\n");
    }
    return head.append("\r\n").toString();
  }

  /** One signed webhook on a connection of its own ({@code Connection: close}): its answer. */
  public static Response postWebhook(int port, String tenant, String body, String appSecret) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    try (RawHttp c = connect(port)) {
      c.send(webhookHead(port, tenant, bytes.length, WhatsApp.sign(bytes, appSecret), "Connection: close"));
      c.send(bytes);
      return c.readResponse(Duration.ofSeconds(30));
    }
  }

  public RawHttp send(String text) {
    return send(text.getBytes(StandardCharsets.UTF_8));
  }

  public RawHttp send(byte[] bytes) {
    try {
      out.write(bytes);
      out.flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Reads one answer (an interim {@code 100 Continue} is one too), waiting at most {@code within}. */
  public Response readResponse(Duration within) {
    try {
      socket.setSoTimeout((int) within.toMillis());
      String head = readHead();
      String[] lines = head.split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
      }
      int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
      return new Response(status, headers, new String(in.readNBytes(length), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String readHead() throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed before an answer; got: " + head.toString(StandardCharsets.UTF_8));
      }
      head.write(b);
      matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    return head.toString(StandardCharsets.UTF_8).strip();
  }

  /**
   * Waits until the server closes the connection, reading (and returning) whatever it sends first;
   * null when it is still open after {@code within}.
   */
  public String awaitClosed(Duration within) {
    long deadline = System.nanoTime() + within.toNanos();
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    byte[] buffer = new byte[4096];
    try {
      while (true) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return null;
        }
        socket.setSoTimeout((int) left);
        int n;
        try {
          n = in.read(buffer);
        } catch (SocketTimeoutException stillOpen) {
          return null;
        } catch (IOException reset) {
          return got.toString(StandardCharsets.UTF_8); // closed with a reset: closed all the same
        }
        if (n < 0) {
          return got.toString(StandardCharsets.UTF_8);
        }
        got.write(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing a test socket
    }
  }
}
