package dev.switchboard.plugin.model;

/** A shared location or venue; name, address and url may be null. */
public record Location(double latitude, double longitude, String name, String address, String url) {
  public Location {
    if (Double.isNaN(latitude) || latitude < -90 || latitude > 90
        || Double.isNaN(longitude) || longitude < -180 || longitude > 180) {
      throw new IllegalArgumentException("location out of range");
    }
  }
}
