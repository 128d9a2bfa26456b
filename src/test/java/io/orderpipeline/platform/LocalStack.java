package io.orderpipeline.platform;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The local stack as tests see it: admin connections for scratch databases beside the app's, and
 * the repository's files.
 * Credentials come from the same environment variables as scripts/local/env.sh, with its defaults.
 */
public final class LocalStack {

    private static final Map<String, String> ENV = System.getenv();

    private LocalStack() {
    }

    public static String env(String name, String fallback) {
        return ENV.getOrDefault(name, fallback);
    }

    public static String mysqlUrl(String database) {
        return "jdbc:mysql://" + env("MYSQL_HOST", "127.0.0.1") + ":" + env("MYSQL_PORT", "3306") + "/"
                + database + "?sslMode=DISABLED&allowPublicKeyRetrieval=true&connectionTimeZone=UTC"
                + "&forceConnectionTimeZoneToSession=true";
    }

    public static DataSource mysqlRoot(String database) {
        return new DriverManagerDataSource(mysqlUrl(database), "root", env("MYSQL_ROOT_PASSWORD", "password"));
    }

    /** ClickHouse over HTTP with the given login (no current database). */
    public static ClickHouseHttp clickHouseHttp(String user, String password) {
        return new ClickHouseHttp(new ClickHouseProperties(null,
                "http://" + env("CLICKHOUSE_HOST", "127.0.0.1") + ":" + env("CLICKHOUSE_HTTP_PORT", "8123"),
                user, password, false, null, null, null, java.time.Duration.ofSeconds(60)));
    }

    /** ClickHouse over HTTP as admin: scratch databases and anything outside analytics. */
    public static ClickHouseHttp clickHouseAdminHttp() {
        return clickHouseHttp(env("CLICKHOUSE_USER", "admin"), env("CLICKHOUSE_PASSWORD", "test123"));
    }

    public static DataSource clickHouse() {
        DriverManagerDataSource ds = new DriverManagerDataSource(
                "jdbc:clickhouse://" + env("CLICKHOUSE_HOST", "127.0.0.1") + ":" + env("CLICKHOUSE_HTTP_PORT", "8123")
                        + "/default?compress=false",
                env("CLICKHOUSE_USER", "admin"), env("CLICKHOUSE_PASSWORD", "test123"));
        ds.setDriverClassName("ru.yandex.clickhouse.ClickHouseDriver");
        return ds;
    }

    /** The repository's root: tests run from it under Maven, but look upwards to be sure. */
    public static Path projectFile(String relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(relative))) {
                return dir.resolve(relative);
            }
        }
        throw new IllegalStateException(relative + " not found above " + Path.of("").toAbsolutePath());
    }
}
