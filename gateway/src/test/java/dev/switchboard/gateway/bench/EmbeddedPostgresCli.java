package dev.switchboard.gateway.bench;

import dev.switchboard.gateway.StartupException;
import dev.switchboard.gateway.db.EmbeddedPostgres;
import java.nio.file.Path;

/**
 * {@code java -cp switchboard.jar:gateway-<version>-bench.jar dev.switchboard.gateway.bench.EmbeddedPostgresCli
 * start|stop <dir>}: starts (printing its URL, with password) or stops a PostgreSQL server under
 * {@code <dir>}, with the same mechanism as the gateway's embedded default. Used by {@code bench/run.sh}
 * and {@code bench/outbound.sh}; a bench tool, not part of the gateway's jar.
 */
public final class EmbeddedPostgresCli {
  private EmbeddedPostgresCli() {
  }

  public static void main(String[] args) {
    if (args.length != 2 || !(args[0].equals("start") || args[0].equals("stop"))) {
      System.err.println("usage: EmbeddedPostgresCli start|stop <dir>");
      System.exit(2);
    }
    try {
      EmbeddedPostgres pg = EmbeddedPostgres.at(Path.of(args[1]));
      if (args[0].equals("start")) {
        System.out.println(pg.start().withCredentials());
      } else {
        pg.stopIfRunning();
      }
    } catch (StartupException | java.io.IOException e) {
      System.err.println(e.getMessage());
      System.exit(1);
    }
  }
}
