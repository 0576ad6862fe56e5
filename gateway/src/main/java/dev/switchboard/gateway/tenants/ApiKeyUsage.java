package dev.switchboard.gateway.tenants;

import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last use of each stored API key since the last flush, in memory: the request path only
 * records it here (no database call); {@link ApiKeyUsageVerticle} writes the batch on a timer.
 * Bounded by the number of live keys. Thread-safe: shared by every edge instance.
 */
public final class ApiKeyUsage {
  private final Map<Long, Long> lastUse = new ConcurrentHashMap<>();

  /** Key {@code keyId} was used at {@code epochMillis}. */
  public void used(long keyId, long epochMillis) {
    lastUse.merge(keyId, epochMillis, Math::max);
  }

  /** Takes the recorded uses (key id → epoch millis) and forgets them. */
  public Map<Long, Long> drain() {
    Map<Long, Long> out = new java.util.HashMap<>();
    for (Iterator<Map.Entry<Long, Long>> it = lastUse.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<Long, Long> e = it.next();
      out.put(e.getKey(), e.getValue());
      it.remove();
    }
    return out;
  }

  /** Puts back uses whose write failed (a newer use recorded meanwhile wins). */
  public void restore(Map<Long, Long> uses) {
    uses.forEach(this::used);
  }
}
