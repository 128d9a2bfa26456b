package io.orderpipeline.platform.cluster;

import java.time.Duration;
import java.util.Properties;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * The cluster service behind every {@code master:} route: MySQL named locks (on by default). A
 * deployment that prefers another of Camel's cluster services switches this one off with
 * app.cluster.mysql.enabled=false and configures its own (e.g. camel.cluster.file.* or
 * camel.cluster.kubernetes.*, with that component on the classpath).
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "app.cluster.mysql.enabled", havingValue = "true", matchIfMissing = true)
public class MySqlClusterConfig {

    @Bean
    MySqlLockClusterService mysqlLockClusterService(DataSource mysql,
            @Value("${app.cluster.mysql.lock-prefix:order-pipeline.}") String lockPrefix,
            @Value("${app.cluster.mysql.check-interval:1s}") Duration checkInterval,
            @Value("${app.cluster.mysql.session-timeout:10s}") Duration sessionTimeout,
            @Value("${app.cluster.mysql.ping-timeout:2s}") Duration pingTimeout) {
        return new MySqlLockClusterService("mysql-lock", unpooled(mysql), lockPrefix, checkInterval, sessionTimeout,
                pingTimeout);
    }

    /**
     * Lock connections are opened directly, not borrowed from the pool: closing one must end its
     * session (and so release the lock), and a pool would keep it open.
     */
    static DataSource unpooled(DataSource mysql) {
        if (!(mysql instanceof HikariDataSource pool)) {
            return mysql;
        }
        DriverManagerDataSource direct = new DriverManagerDataSource(pool.getJdbcUrl(), pool.getUsername(),
                pool.getPassword());
        Properties props = new Properties();
        props.putAll(pool.getDataSourceProperties());
        direct.setConnectionProperties(props);
        return direct;
    }
}
