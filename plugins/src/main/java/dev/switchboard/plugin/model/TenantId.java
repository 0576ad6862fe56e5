package dev.switchboard.plugin.model;

import java.util.regex.Pattern;

/** A tenant's id as used in URLs and every table: {@code [a-z0-9-]{2,40}}. */
public record TenantId(String value) {
  private static final Pattern FORMAT = Pattern.compile("[a-z0-9-]{2,40}");

  public TenantId {
    if (value == null || !FORMAT.matcher(value).matches()) {
      throw new IllegalArgumentException("tenant id must match [a-z0-9-]{2,40}");
    }
  }

  /** True when {@code candidate} is a well-formed tenant id (used to answer 404 without parsing twice). */
  public static boolean isValid(String candidate) {
    return candidate != null && FORMAT.matcher(candidate).matches();
  }

  @Override
  public String toString() {
    return value;
  }
}
