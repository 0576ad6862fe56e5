package dev.switchboard.plugin.spi;

/** The plugin SPI's major version. A plugin built against another major is refused at start-up. */
public final class SpiVersion {
  public static final int CURRENT = 1;

  private SpiVersion() {
  }
}
