package dev.switchboard.gateway.edge;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.gateway.testing.RunningGateway;
import dev.switchboard.gateway.testing.TestDatabase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The real fat jar, started as a user would: {@code java -jar switchboard.jar}. */
class StartupIT {
  private static final Path JAR = Path.of(System.getProperty("switchboard.jar", "target/switchboard.jar"))
      .toAbsolutePath();

  private static Process launch(Path workDir, Map<String, String> env, String... args) throws IOException {
    Files.createDirectories(workDir);
    List<String> command = new java.util.ArrayList<>(List.of(
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

  private static Path freshDir(String name) {
    Path dir = Path.of("target", "startup-it", name).toAbsolutePath();
    TestDatabase.deleteTree(dir);
    return dir;
  }

  @Test
  void startsFromACleanDirectoryOnTheEmbeddedDatabaseAndStopsItOnSigterm() throws Exception {
    Path dir = freshDir("embedded");
    int port = RunningGateway.freePort();
    Process p = launch(dir, Map.of("HTTP_PORT", Integer.toString(port)));
    try {
      HttpClient http = HttpClient.newHttpClient();
      Instant deadline = Instant.now().plusSeconds(120);
      int status = 0;
      while (Instant.now().isBefore(deadline) && p.isAlive()) {
        try {
          status = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/ready")).build(),
              HttpResponse.BodyHandlers.discarding()).statusCode();
          if (status == 200) {
            break;
          }
        } catch (IOException notYet) {
          // not listening yet
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
      }
      assertThat(status).as("ready; stderr: %s", Files.readString(dir.resolve("stderr.log"))).isEqualTo(200);
      assertThat(dir.resolve("data/postgres/pgdata/PG_VERSION")).exists();
      assertThat(dir.resolve("data/postgres/pgdata/postmaster.pid")).exists();
    } finally {
      p.destroy(); // SIGTERM
    }
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(dir.resolve("data/postgres/pgdata/postmaster.pid")).as("PostgreSQL stopped with the gateway")
        .doesNotExist();
  }

  @Test
  void badConfigExitsNonZeroWithOneLineNamingTheKey() throws Exception {
    Path dir = freshDir("bad-config");
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("switchboard.yaml"), """
        tenants:
          - id: acme
            channels:
              whatsapp:
                phoneNumberId: "106540352242922"
                verifyToken: abc
        """);
    Process p = launch(dir, Map.of("HTTP_PORT", Integer.toString(RunningGateway.freePort())),
        "--config", "switchboard.yaml");
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isNotZero();
    List<String> lines = Files.readAllLines(dir.resolve("stderr.log"), StandardCharsets.UTF_8);
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).contains("tenants[0].channels.whatsapp.appSecret").contains("required");
  }

  @Test
  void takenPortExitsNonZeroWithOneClearLine() throws Exception {
    Path dir = freshDir("port-taken");
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
      Process p = launch(dir, Map.of("HTTP_PORT", Integer.toString(taken.getLocalPort()),
          "DATABASE_URL", TestDatabase.url().withCredentials()));
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).isNotZero();
      List<String> lines = Files.readAllLines(dir.resolve("stderr.log"), StandardCharsets.UTF_8);
      assertThat(lines).hasSize(1);
      assertThat(lines.get(0)).contains("cannot listen on port " + taken.getLocalPort());
    }
  }

  @Test
  void unreachableDatabaseExitsNonZeroWithOneClearLine() throws Exception {
    Path dir = freshDir("db-down");
    int nothingThere = RunningGateway.freePort();
    Process p = launch(dir, Map.of("HTTP_PORT", Integer.toString(RunningGateway.freePort()),
        "DATABASE_URL", "postgresql://switchboard:secret-pw@127.0.0.1:" + nothingThere + "/switchboard"));
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isNotZero();
    List<String> lines = Files.readAllLines(dir.resolve("stderr.log"), StandardCharsets.UTF_8);
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).contains("database unreachable").doesNotContain("secret-pw");
  }
}
