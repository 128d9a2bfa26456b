package io.orderpipeline.outbox;

import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The relay's Kafka producer: every record acknowledged by all in-sync replicas, idempotent (no
 * duplicates or reordering from the client's own retries), and bounded waits so a dead broker
 * turns into an error in seconds rather than a blocked relay.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({OutboxRelayProperties.class, OutboxProducerProperties.class})
public class OutboxProducerConfig {

    @Bean(destroyMethod = "close")
    Producer<String, byte[]> outboxProducer(@Value("${camel.component.kafka.brokers}") String brokers,
                                            OutboxProducerProperties p) {
        return new KafkaProducer<>(settings(brokers, p), new StringSerializer(), new ByteArraySerializer());
    }

    /** The relay's producer settings; `make bench` measures the raw producer with these very ones. */
    public static Map<String, Object> settings(String brokers, OutboxProducerProperties p) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "order-pipeline-outbox-relay");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        config.put(ProducerConfig.LINGER_MS_CONFIG, p.lingerMs());
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, p.batchSize());
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, p.compression());
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, p.maxBlockMs());
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, p.requestTimeoutMs());
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, p.deliveryTimeoutMs());
        return config;
    }
}
