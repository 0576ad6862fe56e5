package dev.switchboard.gateway.idempotency;

import java.util.List;
import java.util.Set;

/** What travels to and from {@link RecentKeysVerticle} (local to one JVM); keys are {@link RecentKeys#key}s. */
public final class IdempotencyRecords {
  private IdempotencyRecords() {
  }

  /** Which of these keys (one store batch's) were committed lately? */
  public record Lookup(List<String> keys) {
    public Lookup {
      keys = List.copyOf(keys);
    }
  }

  /** The keys of a {@link Lookup} that were committed lately (the others may or may not be stored). */
  public record Known(Set<String> keys) {
    public static final Known NONE = new Known(Set.of());

    public Known {
      keys = Set.copyOf(keys);
    }
  }

  /** These keys are in the database now (stored by a batch, or found there as duplicates). No reply. */
  public record Committed(List<String> keys) {
    public Committed {
      keys = List.copyOf(keys);
    }
  }
}
