package dev.switchboard.gateway;

import java.nio.file.Path;
import java.util.Map;

/**
 * {@code java -jar switchboard.jar [--config FILE]}. Exits non-zero with one clear line when
 * start-up cannot succeed; stops cleanly (embedded database included) on SIGTERM / Ctrl-C.
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
    } catch (StartupException e) {
      System.err.println("switchboard: " + e.getMessage());
      System.exit(1);
    }
  }
}
