package io.orderpipeline.outbox;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** Settings of the relay's Kafka producer (application.yml, app.outbox.producer). */
@ConfigurationProperties("app.outbox.producer")
public record OutboxProducerProperties(
        @DefaultValue("5") int lingerMs,
        @DefaultValue("262144") int batchSize,
        @DefaultValue("lz4") String compression,
        @DefaultValue("5000") int maxBlockMs,
        @DefaultValue("5000") int requestTimeoutMs,
        @DefaultValue("15000") int deliveryTimeoutMs) {
}
