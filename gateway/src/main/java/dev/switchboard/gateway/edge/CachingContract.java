package dev.switchboard.gateway.edge;

import io.vertx.core.file.FileSystem;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.SchemaException;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.OpenAPIVersion;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Path;
import io.vertx.openapi.contract.SecurityRequirement;
import io.vertx.openapi.contract.SecurityScheme;
import io.vertx.openapi.contract.Server;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The contract as vertx-openapi resolved it, with one difference: a schema's validator is built
 * once and kept, instead of once per request.
 *
 * <p>The request validator asks the contract's schema repository for a validator of the operation's
 * body (and of each parameter) on every request, and the repository builds a new one each time,
 * copying its whole table of known schemas (the document's and the JSON Schema meta-schemas). JFR
 * on {@code bench/outbound.sh} (2026-12-03 15:46) put 35 % of the gateway's CPU in that copy. The
 * contract's schemas never change once it is loaded, and a validator only reads its table while it
 * validates (every call starts from fresh state), so one validator per schema serves every request,
 * on any thread.
 */
final class CachingContract implements OpenAPIContract {
  private final OpenAPIContract contract;
  private final SchemaRepository repository;

  CachingContract(OpenAPIContract contract) {
    this.contract = contract;
    this.repository = new CachingRepository(contract.getSchemaRepository());
  }

  @Override
  public SchemaRepository getSchemaRepository() {
    return repository;
  }

  @Override
  public Operation operation(String operationId) {
    return contract.operation(operationId);
  }

  @Override
  public List<Operation> operations() {
    return contract.operations();
  }

  @Override
  public List<Path> getPaths() {
    return contract.getPaths();
  }

  @Override
  public JsonObject getRawContract() {
    return contract.getRawContract();
  }

  @Override
  public OpenAPIVersion getVersion() {
    return contract.getVersion();
  }

  @Override
  public List<Server> getServers() {
    return contract.getServers();
  }

  @Override
  public Path findPath(String urlPath) {
    return contract.findPath(urlPath);
  }

  @Override
  public Operation findOperation(String urlPath, HttpMethod method) {
    return contract.findOperation(urlPath, method);
  }

  @Override
  public List<SecurityRequirement> getSecurityRequirements() {
    return contract.getSecurityRequirements();
  }

  @Override
  public SecurityScheme securityScheme(String name) {
    return contract.securityScheme(name);
  }

  /** The repository, with {@link #validator(JsonSchema)} kept per schema (by identity). */
  static final class CachingRepository implements SchemaRepository {
    private final SchemaRepository repository;
    private final Map<Identity, Validator> validators = new ConcurrentHashMap<>();

    CachingRepository(SchemaRepository repository) {
      this.repository = repository;
    }

    @Override
    public Validator validator(JsonSchema schema) {
      return validators.computeIfAbsent(new Identity(schema), key -> repository.validator(key.schema));
    }

    /**
     * A schema as a key by identity: the contract hands out the same instance for a schema on every
     * request, while a schema's own {@code equals} and {@code hashCode} (a JSON object's) walk its
     * whole content.
     */
    private static final class Identity {
      private final JsonSchema schema;

      Identity(JsonSchema schema) {
        this.schema = schema;
      }

      @Override
      public boolean equals(Object other) {
        return other instanceof Identity o && o.schema == schema;
      }

      @Override
      public int hashCode() {
        return System.identityHashCode(schema);
      }
    }

    // The contract is resolved before it is wrapped (OpenAPIContract.from dereferences every
    // schema); a schema added afterwards would not be in the tables the kept validators copied.
    @Override
    public SchemaRepository dereference(JsonSchema schema) throws SchemaException {
      throw resolved();
    }

    @Override
    public SchemaRepository dereference(String uri, JsonSchema schema) throws SchemaException {
      throw resolved();
    }

    @Override
    public SchemaRepository preloadMetaSchema(FileSystem fs) {
      throw resolved();
    }

    @Override
    public SchemaRepository preloadMetaSchema(FileSystem fs, Draft draft) {
      throw resolved();
    }

    private static UnsupportedOperationException resolved() {
      return new UnsupportedOperationException("the contract's schemas are resolved; its validators are kept");
    }

    @Override
    public Validator validator(String ref) {
      return repository.validator(ref);
    }

    @Override
    public Validator validator(String ref, JsonSchemaOptions options) {
      return repository.validator(ref, options);
    }

    @Override
    public Validator validator(JsonSchema schema, JsonSchemaOptions options, boolean dereference) {
      return repository.validator(schema, options, dereference);
    }

    @Override
    public JsonObject resolve(JsonObject schema) {
      return repository.resolve(schema);
    }

    @Override
    public JsonSchema find(String pointer) {
      return repository.find(pointer);
    }
  }
}
