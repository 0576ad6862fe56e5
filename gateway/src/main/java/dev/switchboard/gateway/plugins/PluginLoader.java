package dev.switchboard.gateway.plugins;

import dev.switchboard.gateway.StartupException;
import dev.switchboard.plugin.channel.ChannelPlugin;
import dev.switchboard.plugin.message.MessagePlugin;
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
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds channel and message plugins with {@link ServiceLoader}: the ones bundled on the class path and the jars
 * dropped into a {@code plugins/} directory (one class loader per jar, parented to ours so the
 * plugin API is shared). Fails start-up on a duplicate id or an SPI version mismatch. Blocking
 * (file I/O): call before Vert.x serves anything.
 */
public final class PluginLoader {
  private static final Logger LOG = LoggerFactory.getLogger(PluginLoader.class);

  private PluginLoader() {
  }

  public static ChannelRegistry loadChannels(Path pluginDir) {
    return new ChannelRegistry(load(ChannelPlugin.class, "channel", ChannelPlugin::descriptor, pluginDir));
  }

  /** The message plugins (forward, auto-reply, … and any in the jars), by id. */
  public static MessagePluginRegistry loadMessagePlugins(Path pluginDir) {
    return new MessagePluginRegistry(load(MessagePlugin.class, "message", MessagePlugin::descriptor, pluginDir));
  }

  /**
   * Every provider of {@code spi} on the class path and in the jars, by descriptor id; the same
   * descriptor, SPI-version and duplicate checks for every kind of plugin.
   */
  private static <T> Map<String, T> load(Class<T> spi, String kind, Function<T, PluginDescriptor> descriptor,
                                         Path pluginDir) {
    Map<String, T> byId = new LinkedHashMap<>();
    Map<String, String> origin = new LinkedHashMap<>();
    for (ClassLoader loader : loaders(pluginDir)) {
      for (ServiceLoader.Provider<T> provider : ServiceLoader.load(spi, loader).stream().toList()) {
        if (provider.type().getClassLoader() != loader && loader != PluginLoader.class.getClassLoader()) {
          continue; // found through the parent: already registered from the class path
        }
        T plugin = provider.get();
        PluginDescriptor d = descriptor.apply(plugin);
        String cls = provider.type().getName();
        if (d.spiVersion() != SpiVersion.CURRENT) {
          throw new StartupException(kind + " plugin '" + d.id() + "' (" + cls + ") was built for SPI version "
              + d.spiVersion() + ", this gateway has " + SpiVersion.CURRENT);
        }
        String previous = origin.putIfAbsent(d.id(), cls);
        if (previous != null && !previous.equals(cls)) {
          throw new StartupException("two " + kind + " plugins have the id '" + d.id() + "': " + previous + " and " + cls);
        }
        byId.putIfAbsent(d.id(), plugin);
      }
    }
    List<String> parts = new ArrayList<>();
    byId.values().forEach(p -> parts.add(descriptor.apply(p).id() + " " + descriptor.apply(p).version()));
    LOG.atInfo().addKeyValue(kind + "Plugins", String.join(",", byId.keySet()))
        .log("loaded {} plugins: {}", kind, String.join(", ", parts));
    return byId;
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
