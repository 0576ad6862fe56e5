package dev.switchboard.plugin.model;

/**
 * A reference to media held by the platform (never the bytes). Every field but {@code id} or
 * {@code url} may be null.
 *
 * @param id       the platform's media id (WhatsApp media id, Telegram file_id)
 * @param url      a direct URL when the platform gives one
 * @param mimeType MIME type as reported
 * @param sha256   checksum as reported (platform encoding)
 * @param fileName original file name (documents)
 * @param caption  caption typed by the sender
 * @param sizeBytes size when reported, else null
 * @param voice    true for a push-to-talk voice note
 * @param animated true for an animated sticker
 */
public record MediaRef(String id, String url, String mimeType, String sha256, String fileName,
                       String caption, Long sizeBytes, boolean voice, boolean animated) {
}
