package dev.switchboard.plugin.model;

/**
 * The user's answer to something interactive the business sent: a reply button, a list row, a
 * template quick-reply, a flow completion, a Telegram callback query.
 *
 * @param kind        platform kind ({@code button_reply}, {@code list_reply}, {@code nfm_reply},
 *                    {@code template_button}, {@code callback_query}, …)
 * @param id          the id/payload the business attached to the option
 * @param title       the text the user saw and tapped
 * @param description list row description, else null
 * @param responseJson flow response JSON (WhatsApp Flows) or other structured data, else null
 */
public record InteractiveReply(String kind, String id, String title, String description,
                               String responseJson) {
}
