package io.orderpipeline.platform;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The ClickHouse connection pool. It is not a default candidate, so MySQL stays the one DataSource
 * that Spring Boot, Flyway and camel-sql pick by type; ClickHouse users ask for it by name.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ClickHouseProperties.class)
public class ClickHouseConfig {

    public static final String DATA_SOURCE = "clickHouseDataSource";

    @Bean(name = DATA_SOURCE, defaultCandidate = false)
    @ConfigurationProperties("app.clickhouse.hikari")
    public HikariDataSource clickHouseDataSource(ClickHouseProperties props) {
        HikariDataSource ds = new HikariDataSource();
        ds.setPoolName("clickhouse");
        // The legacy driver is the one that speaks to ClickHouse 18.16 as well as to current servers;
        // its jar also registers a newer driver class, so the class is named explicitly.
        ds.setDriverClassName("ru.yandex.clickhouse.ClickHouseDriver");
        ds.setJdbcUrl(props.url());
        ds.setUsername(props.username());
        ds.setPassword(props.password());
        // Start even when ClickHouse is down: health reports it and the schema is applied later.
        ds.setInitializationFailTimeout(-1);
        return ds;
    }

    @Bean(name = "clickHouseJdbcTemplate", defaultCandidate = false)
    public JdbcTemplate clickHouseJdbcTemplate(@Qualifier(DATA_SOURCE) HikariDataSource dataSource) {
        return new JdbcTemplate(dataSource);
    }
}
