package dev.switchboard.gateway.idempotency;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keys committed recently (tenant, channel, idempotency key), bounded, least recently added
 * first out. Only saves database round trips for retries; the unique constraint stays the
 * authority. Not thread-safe: owned by {@link RecentKeysVerticle}, touched on its event loop.
 */
public final class RecentKeys {
  /**
   * Heap bytes of one entry besides its key's characters: the String and its byte array headers
   * and fields (~40), the map entry with its before/after links (~40) and its slot in the table
   * (~8 at a 0.75 load factor).
   */
  static final int ENTRY_OVERHEAD_BYTES = 88;

  private final int capacity;
  private final LinkedHashMap<String, Boolean> keys;
  private long keyChars;

  public RecentKeys(int capacity) {
    this.capacity = capacity;
    this.keys = new LinkedHashMap<>(1024, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        if (size() > RecentKeys.this.capacity) {
          keyChars -= eldest.getKey().length();
          return true;
        }
        return false;
      }
    };
  }

  public static String key(String tenant, String channel, String idemKey) {
    return tenant + '\u0000' + channel + '\u0000' + idemKey;
  }

  public boolean contains(String key) {
    return keys.containsKey(key);
  }

  public void add(String key) {
    if (keys.put(key, Boolean.TRUE) == null) {
      keyChars += key.length();
    }
  }

  /** Keys held now (never above the capacity). */
  public int size() {
    return keys.size();
  }

  public int capacity() {
    return capacity;
  }

  /** An estimate of the heap the keys take: their characters (one byte each, Latin-1) plus a fixed overhead each. */
  public long estimatedBytes() {
    return keyChars + (long) ENTRY_OVERHEAD_BYTES * keys.size();
  }
}
