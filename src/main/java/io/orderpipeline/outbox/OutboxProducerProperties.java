package io.orderpipeline.outbox;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the relay's Kafka producer (application.yml, app.outbox.producer). The relay's
 * camel-kafka endpoint and `make bench`'s raw producer both use these very values.
 */
@ConfigurationProperties("app.outbox.producer")
public record OutboxProducerProperties(
        @DefaultValue("5") int lingerMs,
        @DefaultValue("262144") int batchSize,
        @DefaultValue("lz4") String compression,
        @DefaultValue("5000") int maxBlockMs,
        @DefaultValue("5000") int requestTimeoutMs,
        @DefaultValue("15000") int deliveryTimeoutMs,
        @DefaultValue("60000") int transactionTimeoutMs) {

    /** These settings as a Kafka producer's configuration (what the relay's endpoint sets from them). */
    public Map<String, Object> kafkaSettings(String brokers, String transactionalId) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, batchSize);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlockMs);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeoutMs);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryTimeoutMs);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, transactionTimeoutMs);
        return config;
    }
}
