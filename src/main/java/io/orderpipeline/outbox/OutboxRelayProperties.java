package io.orderpipeline.outbox;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the outbox relay behaves; application.yml explains each knob. The route itself
 * (routes/outbox-relay.camel.yaml) reads most of them as placeholders; the beans below read these.
 */
@ConfigurationProperties("app.outbox.relay")
public record OutboxRelayProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("10000") int batchSize,
        @DefaultValue("1s") Duration drainBudget,
        @DefaultValue("900000") int maxPayloadBytes,
        @DefaultValue("5") int maxAttempts,
        @DefaultValue("16777216") long maxBatchBytes,
        @DefaultValue("outbox-relay") String leaderNamespace,
        @DefaultValue("order-pipeline-outbox-relay") String transactionalId,
        @DefaultValue("2") int poolSize,
        @DefaultValue("30s") Duration sessionTimeout,
        @DefaultValue("3") int circuitFailureThreshold,
        @DefaultValue("1m") Duration circuitFailureWindow,
        @DefaultValue("10s") Duration circuitHalfOpenAfter) {
}
