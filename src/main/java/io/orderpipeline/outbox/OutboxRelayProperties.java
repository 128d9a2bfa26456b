package io.orderpipeline.outbox;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** How the outbox relay behaves; application.yml explains each knob. */
@ConfigurationProperties("app.outbox.relay")
public record OutboxRelayProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("1000") int batchSize,
        @DefaultValue("20ms") Duration idleInterval,
        @DefaultValue("1s") Duration drainBudget,
        @DefaultValue("900000") int maxPayloadBytes,
        @DefaultValue("5") int maxAttempts,
        @DefaultValue("100ms") Duration initialBackoff,
        @DefaultValue("5s") Duration maxBackoff,
        @DefaultValue("order-pipeline.outbox-relay") String leaderLock,
        @DefaultValue("1s") Duration standbyInterval,
        @DefaultValue("7d") Duration retention,
        @DefaultValue("1000") int retentionBatch,
        @DefaultValue("1m") Duration retentionInterval,
        @DefaultValue("2s") Duration metricsInterval) {
}
