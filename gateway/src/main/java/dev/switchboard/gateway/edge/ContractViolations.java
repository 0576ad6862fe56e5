package dev.switchboard.gateway.edge;

import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request that breaks the contract, as the API answers it: {@code 400 invalid_request} whose
 * message starts with the offending parameter or body field ({@code limit: …}, {@code location.latitude: …});
 * a body of another media type {@code 415}; a body that is no JSON {@code 400 malformed_json}.
 */
final class ContractViolations {
  private static final Pattern PARAMETER = Pattern.compile("(?:query|path|header|cookie) parameter (\\S+?)(?:[ .]|$)");

  private ContractViolations() {
  }

  static ApiException toApi(ValidatorException e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    boolean body = message.contains("request body") || message.contains("required body");
    if (e.type() == ValidatorErrorType.UNSUPPORTED_VALUE_FORMAT && body) {
      return new ApiException(415, "unsupported_media_type", "expected Content-Type: application/json");
    }
    if (e.type() == ValidatorErrorType.ILLEGAL_VALUE && !(e instanceof SchemaValidationException)
        && !PARAMETER.matcher(message).find()) {
      return new ApiException(400, "malformed_json", "the body is not valid JSON");
    }
    if (e instanceof SchemaValidationException schema && body) {
      return invalid(field(schema.getOutputUnit()), reason(schema.getOutputUnit(), "does not match the contract"));
    }
    if (body) {
      return invalid("body", "a JSON object is required");
    }
    Matcher m = PARAMETER.matcher(message);
    String name = m.find() ? m.group(1) : "request";
    if (e.type() == ValidatorErrorType.MISSING_REQUIRED_PARAMETER) {
      return invalid(name, "is required");
    }
    String reason = e instanceof SchemaValidationException schema
        ? reason(schema.getOutputUnit(), "is not valid") : "is not valid";
    return invalid(name, reason);
  }

  private static ApiException invalid(String field, String reason) {
    return new ApiException(400, "invalid_request", field + ": " + reason);
  }

  /** The deepest failing instance location as a dotted field ({@code /location/latitude} → {@code location.latitude}). */
  private static String field(OutputUnit unit) {
    String location = deepest(unit).getInstanceLocation();
    if (location == null) {
      return "body";
    }
    String path = location.replaceFirst("^#?/?", "").replace('/', '.');
    return path.isEmpty() ? "body" : path;
  }

  private static String reason(OutputUnit unit, String fallback) {
    String error = deepest(unit).getError();
    return error == null || error.isBlank() ? fallback : error;
  }

  private static OutputUnit deepest(OutputUnit unit) {
    OutputUnit best = unit;
    List<OutputUnit> errors = unit == null ? null : unit.getErrors();
    if (errors != null) {
      for (OutputUnit e : errors) {
        OutputUnit d = deepest(e);
        if (depth(d) >= depth(best)) {
          best = d;
        }
      }
    }
    return best == null ? new OutputUnit(false) : best;
  }

  private static int depth(OutputUnit unit) {
    String l = unit == null ? null : unit.getInstanceLocation();
    return l == null ? -1 : l.length();
  }
}
