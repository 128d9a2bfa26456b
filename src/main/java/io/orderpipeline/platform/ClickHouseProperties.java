package io.orderpipeline.platform;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where ClickHouse is and how the app treats its schema (see application.yml for each knob).
 */
@ConfigurationProperties("app.clickhouse")
public record ClickHouseProperties(
        String url,
        String httpUrl,
        String username,
        String password,
        @DefaultValue("true") boolean initSchema,
        @DefaultValue("classpath:db/clickhouse/init-clickhouse.sql") String schemaLocation,
        @DefaultValue("classpath:db/clickhouse/migrations/V*.sql") String migrations,
        @DefaultValue("5s") Duration schemaRetryInterval,
        @DefaultValue("60s") Duration insertTimeout) {
}
