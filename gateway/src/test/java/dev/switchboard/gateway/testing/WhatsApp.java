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

  /** A field the gateway does not handle (template status). */
  public static String templateStatus() {
    return """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","time":1751247548,"changes":[{
        "value":{"event":"APPROVED","message_template_id":1689556908129832,"message_template_name":"order_confirmation",
        "message_template_language":"en_US","reason":"NONE"},"field":"message_template_status_update"}]}]}""";
  }
}
