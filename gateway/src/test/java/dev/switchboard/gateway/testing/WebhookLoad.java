package dev.switchboard.gateway.testing;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Load for the failure tests: threads that post signed WhatsApp text webhooks, each with a wamid of
 * its own, until closed, and remember every answer — so a test can check, afterwards, that every
 * webhook answered 200 is in the database and that nothing but 200 and 503 (with Retry-After) came back.
 * A sender stops at its first connection error (refused, closed, reset): that gateway has stopped
 * taking calls.
 */
public final class WebhookLoad implements AutoCloseable {
  /** Posts one webhook body, signed; an exception is a connection error. */
  @FunctionalInterface
  public interface Sender {
    HttpResponse<String> post(String body) throws Exception;
  }

  private record Answer(int status, long sentAt) {
  }

  private final Map<String, Answer> answers = new ConcurrentHashMap<>();
  private final Set<String> unexpected = ConcurrentHashMap.newKeySet();
  private final AtomicInteger retryAfterMissing = new AtomicInteger();
  private final AtomicInteger connectionErrors = new AtomicInteger();
  private final AtomicInteger ok = new AtomicInteger();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong seq = new AtomicLong();
  private final List<Thread> threads = new ArrayList<>();

  private WebhookLoad() {
  }

  /** Starts {@code threads} senders; wamids are {@code wamid.<name>.<n>}. */
  public static WebhookLoad start(String name, int threads, Sender sender) {
    WebhookLoad load = new WebhookLoad();
    for (int t = 0; t < threads; t++) {
      Thread thread = new Thread(() -> load.run(name, sender), name + "-load-" + t);
      thread.start();
      load.threads.add(thread);
    }
    return load;
  }

  private void run(String name, Sender sender) {
    while (running.get()) {
      long n = seq.incrementAndGet();
      String id = "wamid." + name + "." + n;
      long sentAt = System.nanoTime();
      HttpResponse<String> r;
      try {
        r = sender.post(WhatsApp.text(RunningGateway.PHONE_NUMBER_ID, "1555" + (1_000_000 + n % 100), "Load " + name,
            id, 1_749_416_383L, "message " + id));
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        connectionErrors.incrementAndGet();
        return; // refused, closed or reset: this sender's gateway has stopped taking calls
      }
      answers.put(id, new Answer(r.statusCode(), sentAt));
      if (r.statusCode() == 200) {
        ok.incrementAndGet();
      } else if (r.statusCode() == 503) {
        if (r.headers().firstValue("Retry-After").isEmpty()) {
          retryAfterMissing.incrementAndGet();
        }
      } else {
        unexpected.add(r.statusCode() + " " + r.body());
      }
    }
  }

  public int ok() {
    return ok.get();
  }

  /** How many webhooks sent after {@code nanoTime} were answered {@code status}. */
  public long answered(int status, long sentAfterNanoTime) {
    return answers.values().stream().filter(a -> a.status() == status && a.sentAt() - sentAfterNanoTime > 0).count();
  }

  /** Answers other than 200 and 503, with their bodies. */
  public Set<String> unexpected() {
    return unexpected;
  }

  public int retryAfterMissing() {
    return retryAfterMissing.get();
  }

  public int connectionErrors() {
    return connectionErrors.get();
  }

  /** The wamids answered 200 (call after {@link #close}). */
  public List<String> acknowledged() {
    return answers.entrySet().stream().filter(e -> e.getValue().status() == 200).map(Map.Entry::getKey).toList();
  }

  /** Stops the senders and waits for their last calls. */
  @Override
  public void close() throws InterruptedException {
    running.set(false);
    for (Thread t : threads) {
      t.join(30_000);
    }
  }
}
