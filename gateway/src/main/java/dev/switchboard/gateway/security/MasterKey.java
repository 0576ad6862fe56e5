package dev.switchboard.gateway.security;

import dev.switchboard.gateway.StartupException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the master key that encrypts stored channel secrets: {@code SWITCHBOARD_MASTER_KEY}, or
 * else a random key generated once into {@code <dataDir>/master.key} (0600) — fine for one node,
 * but every node sharing a database must be given the same {@code SWITCHBOARD_MASTER_KEY}.
 * Blocking (file I/O): call before Vert.x serves anything.
 */
public final class MasterKey {
  private static final Logger LOG = LoggerFactory.getLogger(MasterKey.class);

  private MasterKey() {
  }

  public static String resolve(String fromEnv, Path dataDir) {
    if (fromEnv != null && !fromEnv.isBlank()) {
      if (fromEnv.length() < 16) {
        throw new StartupException("SWITCHBOARD_MASTER_KEY must have at least 16 characters");
      }
      return fromEnv;
    }
    Path file = dataDir.resolve("master.key");
    try {
      if (Files.exists(file)) {
        return Files.readString(file, StandardCharsets.UTF_8).trim();
      }
      Files.createDirectories(dataDir);
      byte[] bytes = new byte[32];
      new SecureRandom().nextBytes(bytes);
      String key = Base64.getEncoder().encodeToString(bytes);
      Files.writeString(file, key, StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      LOG.warn("SWITCHBOARD_MASTER_KEY is not set: generated {}; set SWITCHBOARD_MASTER_KEY when several "
          + "gateways share one database", file);
      return key;
    } catch (IOException e) {
      throw new StartupException("SWITCHBOARD_MASTER_KEY is not set and " + file + " cannot be used: " + e.getMessage());
    }
  }
}
