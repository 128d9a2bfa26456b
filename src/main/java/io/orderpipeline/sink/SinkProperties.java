package io.orderpipeline.sink;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** The ClickHouse sink's settings (application.yml, app.sink). */
@ConfigurationProperties("app.sink")
public record SinkProperties(
        @DefaultValue("camel") String mode,
        @DefaultValue("order-pipeline-clickhouse-sink") String groupId,
        @DefaultValue("5000") int maxBatch,
        @DefaultValue("50ms") Duration pollTimeout,
        @DefaultValue("200ms") Duration initialBackoff,
        @DefaultValue("10s") Duration maxBackoff) {

    public boolean enabled() {
        return "camel".equalsIgnoreCase(mode);
    }
}
