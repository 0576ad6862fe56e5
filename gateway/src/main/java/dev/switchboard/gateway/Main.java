package dev.switchboard.gateway;

import java.nio.file.Path;
import java.util.Map;

/**
 * {@code java -jar switchboard.jar [--config FILE]}. Exits non-zero with one clear line when
 * start-up cannot succeed; stops gracefully (in-flight webhooks answered, then the embedded database)
 * on SIGTERM / Ctrl-C; exits 1 with one line when the embedded database cannot be kept running.
 */
public final class Main {
  private Main() {
  }

  public static void main(String[] args) {
    Map<String, String> env = System.getenv();
    Path config = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--config") && i + 1 < args.length) {
        config = Path.of(args[++i]);
      } else if (args[i].startsWith("--config=")) {
        config = Path.of(args[i].substring("--config=".length()));
      } else if (args[i].equals("--help") || args[i].equals("-h")) {
        System.out.println("usage: java -jar switchboard.jar [--config FILE]   (or SWITCHBOARD_CONFIG=FILE)");
        return;
      } else {
        System.err.println("switchboard: unknown argument '" + args[i] + "' (usage: java -jar switchboard.jar [--config FILE])");
        System.exit(2);
      }
    }
    if (config == null && env.get("SWITCHBOARD_CONFIG") != null && !env.get("SWITCHBOARD_CONFIG").isBlank()) {
      config = Path.of(env.get("SWITCHBOARD_CONFIG"));
    }
    try {
      Gateway gateway = Gateway.start(config, null, env);
      Runtime.getRuntime().addShutdownHook(new Thread(gateway::close, "switchboard-shutdown"));
      // exit from a thread of our own: System.exit waits for the shutdown hook, which needs the event loops
      gateway.fatal().onSuccess(reason -> new Thread(() -> {
        System.err.println("switchboard: fatal: " + reason);
        System.exit(1);
      }, "switchboard-fatal").start());
    } catch (StartupException e) {
      System.err.println("switchboard: " + e.getMessage());
      System.exit(1);
    }
  }
}
