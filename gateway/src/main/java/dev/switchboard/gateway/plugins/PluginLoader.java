package dev.switchboard.gateway.plugins;

import dev.switchboard.gateway.StartupException;
import dev.switchboard.plugin.channel.ChannelPlugin;
import dev.switchboard.plugin.spi.PluginDescriptor;
import dev.switchboard.plugin.spi.SpiVersion;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds channel plugins with {@link ServiceLoader}: the ones bundled on the class path and the jars
 * dropped into a {@code plugins/} directory (one class loader per jar, parented to ours so the
 * plugin API is shared). Fails start-up on a duplicate id or an SPI version mismatch. Blocking
 * (file I/O): call before Vert.x serves anything.
 */
public final class PluginLoader {
  private static final Logger LOG = LoggerFactory.getLogger(PluginLoader.class);

  private PluginLoader() {
  }

  public static ChannelRegistry loadChannels(Path pluginDir) {
    Map<String, ChannelPlugin> byId = new LinkedHashMap<>();
    Map<String, String> origin = new LinkedHashMap<>();
    for (ClassLoader loader : loaders(pluginDir)) {
      for (ServiceLoader.Provider<ChannelPlugin> provider : ServiceLoader.load(ChannelPlugin.class, loader)
          .stream().toList()) {
        if (provider.type().getClassLoader() != loader && loader != PluginLoader.class.getClassLoader()) {
          continue; // found through the parent: already registered from the class path
        }
        ChannelPlugin plugin = provider.get();
        PluginDescriptor d = plugin.descriptor();
        String cls = provider.type().getName();
        if (d.spiVersion() != SpiVersion.CURRENT) {
          throw new StartupException("channel plugin '" + d.id() + "' (" + cls + ") was built for SPI version "
              + d.spiVersion() + ", this gateway has " + SpiVersion.CURRENT);
        }
        String previous = origin.putIfAbsent(d.id(), cls);
        if (previous != null && !previous.equals(cls)) {
          throw new StartupException("two channel plugins have the id '" + d.id() + "': " + previous + " and " + cls);
        }
        byId.putIfAbsent(d.id(), plugin);
      }
    }
    LOG.atInfo().addKeyValue("channels", String.join(",", byId.keySet()))
        .log("loaded channel plugins: {}", describe(byId));
    return new ChannelRegistry(byId);
  }

  private static String describe(Map<String, ChannelPlugin> byId) {
    List<String> parts = new ArrayList<>();
    byId.values().forEach(p -> parts.add(p.descriptor().id() + " " + p.descriptor().version()));
    return String.join(", ", parts);
  }

  private static List<ClassLoader> loaders(Path pluginDir) {
    List<ClassLoader> loaders = new ArrayList<>();
    ClassLoader base = PluginLoader.class.getClassLoader();
    loaders.add(base);
    if (pluginDir == null || !Files.isDirectory(pluginDir)) {
      return loaders;
    }
    try (Stream<Path> jars = Files.list(pluginDir)) {
      for (Path jar : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
        loaders.add(new URLClassLoader("plugin:" + jar.getFileName(), new URL[] {jar.toUri().toURL()}, base));
      }
    } catch (MalformedURLException e) {
      throw new StartupException("bad plugin jar path: " + e.getMessage());
    } catch (IOException e) {
      throw new StartupException("cannot read the plugins directory " + pluginDir + ": " + e.getMessage());
    }
    return loaders;
  }
}
