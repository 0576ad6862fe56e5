package dev.switchboard.gateway.api;

import java.net.URI;
import java.net.URISyntaxException;

/** An absolute {@code https://} URL with a host: what platforms fetch media from. */
final class HttpsUrl {
  private HttpsUrl() {
  }

  static boolean isValid(String url) {
    try {
      URI uri = new URI(url);
      return "https".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null && !uri.getHost().isBlank()
          && uri.getUserInfo() == null;
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
