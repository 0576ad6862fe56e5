package dev.switchboard.plugin.model;

/** An error reported by a platform: its code (as text, platforms differ), title and details. */
public record PlatformError(String code, String title, String message, String details) {
}
