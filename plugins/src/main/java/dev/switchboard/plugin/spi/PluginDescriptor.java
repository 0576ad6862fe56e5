package dev.switchboard.plugin.spi;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Identity and needs of a plugin.
 *
 * @param id           unique id ({@code whatsapp}, {@code forward}); used in URLs and config
 * @param displayName  human name
 * @param version      the plugin's own version
 * @param spiVersion   the {@link SpiVersion#CURRENT} it was compiled against
 * @param configFields settings it needs per tenant account (channels) or per chain entry (message plugins)
 */
public record PluginDescriptor(String id, String displayName, String version, int spiVersion,
                               List<ConfigField> configFields) {
  private static final Pattern ID = Pattern.compile("[a-z][a-z0-9-]{1,30}");

  public PluginDescriptor {
    if (id == null || !ID.matcher(id).matches()) {
      throw new IllegalArgumentException("plugin id must match [a-z][a-z0-9-]{1,30}: " + id);
    }
    configFields = List.copyOf(configFields);
  }

  /** The field named {@code name}, or null. */
  public ConfigField field(String name) {
    return configFields.stream().filter(f -> f.name().equals(name)).findFirst().orElse(null);
  }
}
