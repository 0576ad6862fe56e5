package dev.switchboard.channel.whatsapp;

import static dev.switchboard.plugin.json.JsonFields.array;
import static dev.switchboard.plugin.json.JsonFields.nonBlank;

import dev.switchboard.plugin.channel.SendOutcome;
import dev.switchboard.plugin.channel.SendOutcome.PermanentFailure;
import dev.switchboard.plugin.channel.SendOutcome.RetryAfter;
import dev.switchboard.plugin.channel.SendOutcome.Scope;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;

/**
 * Classifies one Cloud API answer. Meta asks integrations to branch on {@code error.code} (and read
 * {@code error_data.details}), not on HTTP statuses or titles, so a Graph error envelope is
 * classified by its code whatever the status (code 3 comes with a 500, 130429 with a 400 or a 429);
 * the status decides only for a code Meta's table does not list (5xx: retried) and for answers that
 * are no Graph envelope at all. A {@code Retry-After} header, when Meta sends one, replaces every wait below.
 *
 * <table>
 *   <caption>Graph error codes</caption>
 *   <tr><th>code</th><th>outcome</th></tr>
 *   <tr><td>130429 throughput</td><td>RetryAfter 1 s, ACCOUNT</td></tr>
 *   <tr><td>131056 pair rate</td><td>RetryAfter 6 s, RECIPIENT</td></tr>
 *   <tr><td>4 app rate limit, 80007 WABA rate limit</td><td>RetryAfter 5 min, ACCOUNT</td></tr>
 *   <tr><td>1, 2, 131000, 131016 transient</td><td>RetryAfter 5 s, MESSAGE</td></tr>
 *   <tr><td>131057 maintenance / throughput upgrade</td><td>RetryAfter 30 s, MESSAGE</td></tr>
 *   <tr><td>131053 media upload failed</td><td>RetryAfter 30 s, MESSAGE</td></tr>
 *   <tr><td>132069 flow throttled</td><td>RetryAfter 6 min, MESSAGE</td></tr>
 *   <tr><td>133016 registration attempts</td><td>RetryAfter 10 min, MESSAGE</td></tr>
 *   <tr><td>131047 outside the 24 h window</td><td>PermanentFailure {@code outside_window}</td></tr>
 *   <tr><td>131026 undeliverable</td><td>PermanentFailure, recipientUnreachable</td></tr>
 *   <tr><td>0, 190 token; 3, 10, 200–299, 131005 permission; 33, 133010, 131045 number not
 *       registered / deleted; 131031, 368 account locked or restricted; 131037 display name;
 *       131042 payment</td><td>PermanentFailure, accountUnusable</td></tr>
 *   <tr><td>the other codes of Meta's table (invalid request, recipient-specific, spam and
 *       messaging limits, templates, flows)</td><td>PermanentFailure with the code</td></tr>
 *   <tr><td>a code not in Meta's table</td><td>PermanentFailure with the code; with a 5xx status
 *       RetryAfter 5 s, MESSAGE</td></tr>
 * </table>
 *
 * <p>A 2xx whose JSON has no {@code messages[0].id} is {@code PermanentFailure("bad_response")}:
 * Meta took the call, so a retry could deliver the message twice. A 2xx that is not JSON cannot be
 * Meta's (a proxy's page) and is retried, as are timeouts, connection failures, 408, 429 and 5xx.
 */
final class SendClassifier {
  static final Duration TRANSIENT_WAIT = Duration.ofSeconds(5);
  static final Duration THROUGHPUT_WAIT = Duration.ofSeconds(1);
  static final Duration PAIR_RATE_WAIT = Duration.ofSeconds(6);
  static final Duration RATE_LIMIT_WAIT = Duration.ofMinutes(5);
  static final Duration MAINTENANCE_WAIT = Duration.ofSeconds(30);
  static final Duration MEDIA_UPLOAD_WAIT = Duration.ofSeconds(30);
  static final Duration FLOW_THROTTLED_WAIT = Duration.ofMinutes(6);
  static final Duration REGISTRATION_WAIT = Duration.ofMinutes(10);

  static final String OUTSIDE_WINDOW = "outside_window";
  static final String BAD_RESPONSE = "bad_response";
  static final String TIMEOUT = "timeout";
  static final String UNREACHABLE = "unreachable";

  private SendClassifier() {
  }

  static SendOutcome classify(SendPlan.Call call, GraphApiAnswer answer) {
    if (!answer.reached()) {
      return answer.timedOut()
          ? new RetryAfter(TRANSIENT_WAIT, TIMEOUT, "no answer from the Graph API in time", Scope.MESSAGE)
          : new RetryAfter(TRANSIENT_WAIT, UNREACHABLE, "could not reach the Graph API", Scope.MESSAGE);
    }
    Integer code = answer.errorCode();
    if (code != null) {
      return byCode(code, answer);
    }
    if (answer.success()) {
      return answer.body() == null
          ? retry(answer, TRANSIENT_WAIT, Scope.MESSAGE, BAD_RESPONSE,
              "HTTP " + answer.status() + " without a Graph API JSON body")
          : accepted(call, answer.body(), answer.status());
    }
    String detail = "HTTP " + answer.status() + " without a Graph API error";
    int status = answer.status();
    if (status == 408 || status == 429 || status >= 500) {
      return retry(answer, TRANSIENT_WAIT, status == 429 ? Scope.ACCOUNT : Scope.MESSAGE, "http_" + status, detail);
    }
    return new PermanentFailure("http_" + status, detail);
  }

  private static SendOutcome byCode(int code, GraphApiAnswer answer) {
    String meta = String.valueOf(code);
    String detail = answer.errorDetail();
    return switch (code) {
      case 130429 -> retry(answer, THROUGHPUT_WAIT, Scope.ACCOUNT, meta, detail);
      case 131056 -> retry(answer, PAIR_RATE_WAIT, Scope.RECIPIENT, meta, detail);
      case 4, 80007 -> retry(answer, RATE_LIMIT_WAIT, Scope.ACCOUNT, meta, detail);
      case 1, 2, 131000, 131016 -> retry(answer, TRANSIENT_WAIT, Scope.MESSAGE, meta, detail);
      case 131057 -> retry(answer, MAINTENANCE_WAIT, Scope.MESSAGE, meta, detail);
      case 131053 -> retry(answer, MEDIA_UPLOAD_WAIT, Scope.MESSAGE, meta, detail);
      case 132069 -> retry(answer, FLOW_THROTTLED_WAIT, Scope.MESSAGE, meta, detail);
      case 133016 -> retry(answer, REGISTRATION_WAIT, Scope.MESSAGE, meta, detail);
      case 131047 -> new PermanentFailure(OUTSIDE_WINDOW, "the user's last message is more than 24 hours old: "
          + "only an approved template can be sent until they write again (" + detail + ")");
      case 131026 -> new PermanentFailure(meta, detail, true, false);
      case 0, 190 -> new PermanentFailure(meta, detail + " (the Graph API refused the access token: renew accessToken)",
          false, true);
      case 3, 10, 131005 -> permissionMissing(meta, detail);
      case 33, 133010, 131045, 131031, 368, 131037, 131042 -> new PermanentFailure(meta, detail, false, true);
      case 100, 130472, 130497, 131008, 131009, 131021, 131030, 131048, 131049, 131050, 131051, 131052, 131062,
           131064, 132000, 132001, 132005, 132007, 132008, 132012, 132015, 132016, 132068 ->
          new PermanentFailure(meta, detail);
      default -> code >= 200 && code <= 299 ? permissionMissing(meta, detail)
          : answer.status() >= 500 ? retry(answer, TRANSIENT_WAIT, Scope.MESSAGE, meta, detail)
          : new PermanentFailure(meta, detail);
    };
  }

  private static PermanentFailure permissionMissing(String code, String detail) {
    return new PermanentFailure(code, detail
        + " (the access token lacks a permission: it needs whatsapp_business_messaging for this number)", false, true);
  }

  /** A 2xx JSON answer: the wamid of the message, or {@code success: true} of a read receipt. */
  private static SendOutcome accepted(SendPlan.Call call, JsonObject body, int status) {
    if (call.idIfNoMessage() != null) {
      return Boolean.TRUE.equals(body.getValue("success")) ? new SendOutcome.Sent(call.idIfNoMessage())
          : new PermanentFailure(BAD_RESPONSE, "Meta answered " + status + " to a read receipt without success: true");
    }
    JsonArray messages = array(body, "messages");
    String id = messages != null && !messages.isEmpty() && messages.getValue(0) instanceof JsonObject first
        ? nonBlank(first, "id") : null;
    return id != null ? new SendOutcome.Sent(id) : new PermanentFailure(BAD_RESPONSE, "Meta answered " + status
        + " without messages[0].id; it may have accepted the message, so it is not retried");
  }

  private static RetryAfter retry(GraphApiAnswer answer, Duration wait, Scope scope, String code, String detail) {
    Duration header = answer.retryAfter();
    return new RetryAfter(header != null ? header : wait, code, detail, scope);
  }
}
