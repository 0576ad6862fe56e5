package dev.switchboard.gateway.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The real fat jar, run as a user runs it: {@code java -jar switchboard.jar} in a directory of its own. */
public final class GatewayJar {
  public static final Path JAR = Path.of(System.getProperty("switchboard.jar", "target/switchboard.jar"))
      .toAbsolutePath();

  private GatewayJar() {
  }

  /** {@code target/<name>}, emptied. */
  public static Path freshDir(String name) {
    Path dir = Path.of("target", name).toAbsolutePath();
    TestDatabase.deleteTree(dir);
    return dir;
  }

  /** Starts the jar in {@code workDir} (stdout.log, stderr.log there), without the test run's DATABASE_URL. */
  public static Process launch(Path workDir, Map<String, String> env, String... args) throws IOException {
    Files.createDirectories(workDir);
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).directory(workDir.toFile())
        .redirectOutput(workDir.resolve("stdout.log").toFile())
        .redirectError(workDir.resolve("stderr.log").toFile());
    pb.environment().remove("DATABASE_URL");
    pb.environment().remove("SWITCHBOARD_CONFIG");
    pb.environment().putAll(env);
    return pb.start();
  }

  /** Waits until {@code /ready} answers 200 (true), or the process exits or {@code within} passes (false). */
  public static boolean awaitReady(Process process, int port, Duration within) {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest ready = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready"))
        .timeout(Duration.ofSeconds(5)).build();
    await().atMost(within).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
        .until(() -> !process.isAlive()
            || http.send(ready, HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
    return process.isAlive();
  }

  public static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
