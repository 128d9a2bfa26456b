package io.orderpipeline.platform;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import javax.sql.DataSource;

import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;

/**
 * UP when the database answers a version query within a bounded time. Spring's own
 * DataSourceHealthIndicator waits without a limit on a server that accepts but does not answer,
 * which would hang /actuator/health; here the pool's connection timeout bounds the connect and a
 * query timeout bounds the answer.
 */
public class JdbcHealthIndicator extends AbstractHealthIndicator {

    private final DataSource dataSource;
    private final String versionQuery;
    private final int timeoutSeconds;

    public JdbcHealthIndicator(String name, DataSource dataSource, String versionQuery, int timeoutSeconds) {
        super(name + " health check failed");
        this.dataSource = dataSource;
        this.versionQuery = versionQuery;
        this.timeoutSeconds = timeoutSeconds;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(timeoutSeconds);
            try (ResultSet rs = statement.executeQuery(versionQuery)) {
                rs.next();
                builder.up()
                        .withDetail("database", connection.getMetaData().getDatabaseProductName())
                        .withDetail("version", rs.getString(1));
            }
        }
    }
}
