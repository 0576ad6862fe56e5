package dev.switchboard.gateway.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.gateway.StartupException;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DatabaseUrlTest {

  @Test
  void parsesAFullUrl() {
    DatabaseUrl u = DatabaseUrl.parse("postgresql://switchboard:secret@db.internal:5433/inbox");

    assertThat(u.host()).isEqualTo("db.internal");
    assertThat(u.port()).isEqualTo(5433);
    assertThat(u.database()).isEqualTo("inbox");
    assertThat(u.user()).isEqualTo("switchboard");
    assertThat(u.password()).isEqualTo("secret");
    assertThat(u.query()).isNull();
  }

  @Test
  void surroundingWhitespaceIsIgnored() {
    assertThat(DatabaseUrl.parse("  postgresql://u:p@h/d\n").host()).isEqualTo("h");
  }

  @Test
  void percentEncodedCredentialsAreDecoded() {
    DatabaseUrl u = DatabaseUrl.parse("postgresql://app%2Duser:p%40ss%3Aw%2Fd%25%20x@db/app");

    assertThat(u.user()).isEqualTo("app-user");
    assertThat(u.password()).isEqualTo("p@ss:w/d% x");
  }

  /**
   * '+' is a literal character in the user-info part of a URI (RFC 3986 sub-delims); libpq, psql
   * and the other PostgreSQL clients read {@code u:a+b@h} as password {@code a+b}. Generated
   * passwords (base64) often contain '+'.
   */
  @Test
  void plusInThePasswordIsAPlus() {
    DatabaseUrl u = DatabaseUrl.parse("postgresql://app:Zm9v+YmFy@db/app");

    assertThat(u.password()).isEqualTo("Zm9v+YmFy");
  }

  @Test
  void defaultPortIs5432() {
    assertThat(DatabaseUrl.parse("postgresql://u:p@db/app").port()).isEqualTo(5432);
  }

  @Test
  void missingDatabaseIsTheUserName() {
    assertThat(DatabaseUrl.parse("postgresql://alice:pw@db:5432").database()).isEqualTo("alice");
    assertThat(DatabaseUrl.parse("postgresql://alice:pw@db:5432/").database()).isEqualTo("alice");
  }

  @Test
  void noCredentialsMeansUserPostgresWithoutPassword() {
    DatabaseUrl u = DatabaseUrl.parse("postgresql://localhost");

    assertThat(u.user()).isEqualTo("postgres");
    assertThat(u.password()).isNull();
    assertThat(u.database()).isEqualTo("postgres");
    assertThat(u.port()).isEqualTo(5432);
  }

  @Test
  void userWithoutPassword() {
    DatabaseUrl u = DatabaseUrl.parse("postgresql://bob@db/app");

    assertThat(u.user()).isEqualTo("bob");
    assertThat(u.password()).isNull();
  }

  @Test
  void postgresSchemeIsAccepted() {
    DatabaseUrl u = DatabaseUrl.parse("postgres://u:p@db:6543/app");

    assertThat(u.host()).isEqualTo("db");
    assertThat(u.port()).isEqualTo(6543);
    assertThat(u.database()).isEqualTo("app");
  }

  @ParameterizedTest
  @ValueSource(strings = {"mysql://u:p@db/app", "jdbc:postgresql://db/app", "http://db/app", "db:5432/app"})
  void otherSchemesAreRejected(String url) {
    assertThatThrownBy(() -> DatabaseUrl.parse(url))
        .isInstanceOf(StartupException.class)
        .hasMessageContaining("postgresql://");
  }

  @Test
  void missingHostIsRejected() {
    assertThatThrownBy(() -> DatabaseUrl.parse("postgresql:///app")).isInstanceOf(StartupException.class)
        .hasMessageContaining("host");
  }

  @Test
  void invalidUrlIsRejectedWithoutEchoingThePassword() {
    assertThatThrownBy(() -> DatabaseUrl.parse("postgresql://u:top secret@db/app"))
        .isInstanceOf(StartupException.class)
        .hasMessageNotContaining("top secret");
  }

  @Test
  void toStringHidesThePassword() {
    DatabaseUrl u = DatabaseUrl.parse("postgresql://switchboard:s3cr3t-pw@db:5433/inbox?sslmode=require");

    assertThat(u.toString()).doesNotContain("s3cr3t-pw").contains("switchboard").contains("db").contains("5433")
        .contains("inbox");
  }

  @Test
  void jdbcUrlHasNoCredentials() {
    DatabaseUrl u = DatabaseUrl.parse("postgresql://switchboard:s3cr3t-pw@db:5433/inbox");

    assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5433/inbox");
  }

  @Test
  void jdbcUrlKeepsTheQuery() {
    DatabaseUrl u = DatabaseUrl.parse("postgresql://switchboard:s3cr3t-pw@db/inbox?sslmode=require&connectTimeout=5");

    assertThat(u.jdbcUrl()).isEqualTo("jdbc:postgresql://db:5432/inbox?sslmode=require&connectTimeout=5");
  }

  @Test
  void connectOptionsCarryTheParsedValues() {
    PgConnectOptions o = DatabaseUrl.parse("postgresql://switchboard:p%40ss@db:5433/inbox").connectOptions();

    assertThat(o.getHost()).isEqualTo("db");
    assertThat(o.getPort()).isEqualTo(5433);
    assertThat(o.getDatabase()).isEqualTo("inbox");
    assertThat(o.getUser()).isEqualTo("switchboard");
    assertThat(o.getPassword()).isEqualTo("p@ss");
  }

  /**
   * The migrations connect through {@link DatabaseUrl#jdbcUrl()}, which passes {@code ?sslmode=require}
   * on to the JDBC driver; the runtime pools connect through {@link DatabaseUrl#connectOptions()}
   * and must honour it as well (a server that only accepts TLS otherwise refuses them, and a
   * server that allows both is silently talked to in clear text).
   */
  @Test
  void connectOptionsHonourSslmodeFromTheQuery() {
    PgConnectOptions o = DatabaseUrl.parse("postgresql://u:p@db.example/app?sslmode=require").connectOptions();

    assertThat(o.getSslMode()).isEqualTo(SslMode.REQUIRE);
  }

  @Test
  void withCredentialsRoundTrips() {
    DatabaseUrl u = DatabaseUrl.parse("postgresql://switchboard:secret@db:5433/inbox?sslmode=require");

    assertThat(DatabaseUrl.parse(u.withCredentials())).isEqualTo(u);
  }

  @Test
  void withCredentialsRoundTripsAPasswordFullOfSpecialCharacters() {
    DatabaseUrl u = new DatabaseUrl("127.0.0.1", 54321, "switchboard", "postgres", "a b+c/d?e#f@g:h%i&j=k", null);

    assertThat(DatabaseUrl.parse(u.withCredentials())).isEqualTo(u);
  }

  @Test
  void withCredentialsWithoutPassword() {
    DatabaseUrl u = new DatabaseUrl("db", 5432, "app", "bob", null, null);

    assertThat(u.withCredentials()).isEqualTo("postgresql://bob@db:5432/app");
    assertThat(DatabaseUrl.parse(u.withCredentials())).isEqualTo(u);
  }

  /** Azure Database for PostgreSQL (single server) user names look like {@code user@servername}. */
  @Test
  void withCredentialsRoundTripsAUserNameWithAnAtSign() {
    DatabaseUrl u = DatabaseUrl.parse("postgresql://app%40myserver:pw@myserver.postgres.database.azure.com/app");
    assertThat(u.user()).isEqualTo("app@myserver");

    assertThat(DatabaseUrl.parse(u.withCredentials())).isEqualTo(u);
  }

  @Test
  void prepareThresholdZeroTurnsOffTheStatementCacheAndReachesJdbc() {
    DatabaseUrl shared = DatabaseUrl.parse("postgresql://u@127.0.0.1:4000/postgres?sslmode=disable&prepareThreshold=0");
    assertThat(shared.connectOptions().getCachePreparedStatements()).isFalse();
    assertThat(shared.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:4000/postgres?sslmode=disable&prepareThreshold=0");
    assertThat(DatabaseUrl.parse("postgresql://u@h/d").connectOptions().getCachePreparedStatements()).isTrue();
  }
}
