package dev.switchboard.gateway.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** WhatsApp Cloud API webhook bodies shaped as Meta documents them, and their signatures. */
public final class WhatsApp {
  private WhatsApp() {
  }

  public static String sign(byte[] body, String appSecret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(appSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A text message webhook as in Meta's "messages" webhook reference. */
  public static String text(String phoneNumberId, String from, String name, String wamid, long ts, String body) {
    return """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{
        "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"%s"},
        "contacts":[{"profile":{"name":"%s"},"wa_id":"%s"}],
        "messages":[{"from":"%s","id":"%s","timestamp":"%d","text":{"body":"%s"},"type":"text"}]},
        "field":"messages"}]}]}""".formatted(phoneNumberId, name, from, from, wamid, ts, body);
  }

  /**
   * A text message from a user who hides the phone number (Graph API v25+, usernames): no
   * {@code from}, no {@code wa_id}; the sender is only the change's contact entry with its
   * business-scoped user id, as in Meta's contact-request webhook example.
   */
  public static String textFromHiddenNumber(String phoneNumberId, String userId, String username, String name,
                                            String wamid, long ts, String body) {
    return textFrom(phoneNumberId,
        "{\"profile\":{\"name\":\"%s\",\"username\":\"%s\"},\"user_id\":\"%s\"}".formatted(name, username, userId),
        "", wamid, ts, body);
  }

  /**
   * A text message as Graph API v25+ sends it for a user whose phone number is visible: phone and
   * business-scoped user id side by side (the App Dashboard's v25 sample).
   */
  public static String textWithUserId(String phoneNumberId, String from, String userId, String name, String wamid,
                                      long ts, String body) {
    return textFrom(phoneNumberId,
        "{\"profile\":{\"name\":\"%s\"},\"wa_id\":\"%s\",\"user_id\":\"%s\"}".formatted(name, from, userId),
        "\"from\":\"%s\",\"from_user_id\":\"%s\",".formatted(from, userId), wamid, ts, body);
  }

  private static String textFrom(String phoneNumberId, String contact, String sender, String wamid, long ts,
                                 String body) {
    return """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{
        "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"%s"},
        "contacts":[%s],
        "messages":[{%s"id":"%s","timestamp":"%d","text":{"body":"%s"},"type":"text"}]},
        "field":"messages"}]}]}""".formatted(phoneNumberId, contact, sender, wamid, ts, body);
  }

  /** A message the business sent from the WhatsApp Business app (coexistence echo). */
  public static String echo(String phoneNumberId, String to, String wamid, long ts, String body) {
    return """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{
        "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"%s"},
        "message_echoes":[{"from":"15550783881","to":"%s","id":"%s","timestamp":"%d","type":"text","text":{"body":"%s"}}]},
        "field":"smb_message_echoes"}]}]}""".formatted(phoneNumberId, to, wamid, ts, body);
  }

  /** A delivery receipt. */
  public static String status(String phoneNumberId, String wamid, String status, String recipient, long ts) {
    return """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{
        "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"%s"},
        "statuses":[{"id":"%s","status":"%s","timestamp":"%d","recipient_id":"%s",
        "pricing":{"billable":true,"pricing_model":"PMP","category":"utility","type":"regular"}}]},
        "field":"messages"}]}]}""".formatted(phoneNumberId, wamid, status, ts, recipient);
  }

  /**
   * A delivery receipt for a user known only by the business-scoped user id: {@code recipient_user_id},
   * no {@code recipient_id} (the v25 sample with the phone number withheld).
   */
  public static String statusToUserId(String phoneNumberId, String wamid, String status, String userId, long ts) {
    return """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"value":{
        "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"%s"},
        "statuses":[{"id":"%s","status":"%s","timestamp":"%d","recipient_user_id":"%s"}]},
        "field":"messages"}]}]}""".formatted(phoneNumberId, wamid, status, ts, userId);
  }

  /** A field the gateway does not handle (template status). */
  public static String templateStatus() {
    return """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","time":1751247548,"changes":[{
        "value":{"event":"APPROVED","message_template_id":1689556908129832,"message_template_name":"order_confirmation",
        "message_template_language":"en_US","reason":"NONE"},"field":"message_template_status_update"}]}]}""";
  }
}
