package dev.switchboard.gateway.store;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keys committed recently (tenant, channel, idempotency key), bounded, least recently added
 * first out. Only saves database round trips for retries; the unique constraint stays the
 * authority. Confined to the store verticle's event loop.
 */
final class RecentKeys {
  private final LinkedHashMap<String, Boolean> keys;

  RecentKeys(int capacity) {
    this.keys = new LinkedHashMap<>(1024, 0.75f, false) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
        return size() > capacity;
      }
    };
  }

  static String key(String tenant, String channel, String idemKey) {
    return tenant + '\u0000' + channel + '\u0000' + idemKey;
  }

  boolean contains(String key) {
    return keys.containsKey(key);
  }

  void add(String key) {
    keys.put(key, Boolean.TRUE);
  }
}
