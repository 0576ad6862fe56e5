package dev.switchboard.gateway.tenants;

import io.vertx.core.json.JsonObject;

/** What the admin API's edge handlers and the {@link TenantAdminVerticle} exchange on the local bus. */
public final class TenantAdminRecords {
  private TenantAdminRecords() {
  }

  /** The admin operations, named as the OpenAPI operation ids. */
  public enum Op { LIST_TENANTS, GET_TENANT, CREATE_TENANT, REPLACE_TENANT, DELETE_TENANT, CREATE_API_KEY,
    LIST_API_KEYS, REVOKE_API_KEY }

  /**
   * One operation.
   *
   * @param tenant the path's tenant, or null
   * @param body   the request body (holds secrets: never log it), or null
   * @param keyId  the stored API key's id, or null
   */
  public record Request(Op op, String tenant, JsonObject body, Long keyId) {
    public static Request of(Op op, String tenant) {
      return new Request(op, tenant, null, null);
    }

    @Override
    public String toString() {
      return "Request[" + op + ", " + tenant + "]";
    }
  }

  /**
   * The answer: a status with a body (null for 204), or an error status with its code and message.
   */
  public record Answer(int status, JsonObject body, String code, String message) {
    public static Answer ok(int status, JsonObject body) {
      return new Answer(status, body, null, null);
    }

    public static Answer refused(int status, String code, String message) {
      return new Answer(status, null, code, message);
    }

    @Override
    public String toString() {
      return "Answer[" + status + (code == null ? "" : ", " + code) + "]"; // the body may hold a new key
    }
  }
}
