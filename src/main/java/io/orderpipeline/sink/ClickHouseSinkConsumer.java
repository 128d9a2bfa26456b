package io.orderpipeline.sink;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.orderpipeline.platform.Backoff;
import io.orderpipeline.platform.KafkaTopics;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Polls analytics.orders and hands each batch to the clickhouse-sink route; commits the batch's
 * offsets only after the route inserted it. When the route fails (ClickHouse down, refusing for a
 * reason other than the data), nothing is committed: the consumer seeks back to the batch's first
 * offsets, waits (exponential backoff with jitter) and polls the same records again, so nothing
 * is lost and the consumer stays in its group however long the outage lasts.
 *
 * <p>Exactly once in every aggregate: a batch re-read after a crash between insert and commit, or
 * an event the relay published twice, is dropped by event id before the insert (SinkBatch).
 *
 * <p>Written on the plain Kafka consumer, not camel-kafka, because this loop must own seek and
 * commit: camel-kafka's batch consumer moves on past a failed batch without seeking back.
 */
@Component
public class ClickHouseSinkConsumer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ClickHouseSinkConsumer.class);

    private final SinkProperties props;
    private final KafkaTopics topics;
    private final String brokers;
    // Looked up lazily: a lifecycle bean that depends on the CamelContext would have Spring start
    // Camel early, before its routes are collected.
    private final ObjectProvider<CamelContext> camelProvider;
    private CamelContext camel;
    private final ObjectMapper json;
    private volatile boolean running;
    private volatile KafkaConsumer<String, String> consumer;
    private Thread thread;

    public ClickHouseSinkConsumer(SinkProperties props, KafkaTopics topics, ObjectProvider<CamelContext> camel, ObjectMapper json,
                                  @Value("${camel.component.kafka.brokers}") String brokers) {
        this.props = props;
        this.topics = topics;
        this.camelProvider = camel;
        this.json = json;
        this.brokers = brokers;
    }

    @Override
    public void start() {
        if (!props.enabled()) {
            log.info("ClickHouse sink is off (app.sink.mode={}): something else writes {} into ClickHouse",
                    props.mode(), topics.analyticsOrders());
            return;
        }
        running = true;
        thread = new Thread(this::run, "clickhouse-sink");
        thread.start();
    }

    private void run() {
        camel = camelProvider.getObject();
        while (running && !camel.isStarted()) {
            sleep(Duration.ofMillis(100)); // the loop calls a route: wait until Camel runs
        }
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, props.groupId());
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "order-pipeline-clickhouse-sink");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, props.maxBatch());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // A crashed instance's partitions move to the others after 10 s rather than Kafka's 45 s.
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        try (KafkaConsumer<String, String> c = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
             ProducerTemplate route = camel.createProducerTemplate()) {
            consumer = c;
            c.subscribe(List.of(topics.analyticsOrders()));
            int failures = 0;
            while (running) {
                ConsumerRecords<String, String> records = c.poll(props.pollTimeout());
                if (records.isEmpty()) {
                    continue;
                }
                List<ConsumerRecord<String, String>> batch = new ArrayList<>(records.count());
                records.forEach(batch::add);
                try {
                    route.requestBody(ClickHouseSinkRoutes.BATCH, SinkBatch.of(batch, json));
                    c.commitSync(nextOffsets(batch));
                    failures = 0;
                } catch (WakeupException e) {
                    throw e;
                } catch (RuntimeException e) {
                    failures++;
                    Duration wait = Backoff.jittered(props.initialBackoff(), props.maxBackoff(), failures);
                    log.warn("ClickHouse sink could not store {} records (failure {} in a row), retrying in {} ms: {}",
                            batch.size(), failures, wait.toMillis(), NestedExceptionUtils.getMostSpecificCause(e).getMessage());
                    firstOffsets(batch).forEach(c::seek);
                    sleep(wait);
                }
            }
        } catch (WakeupException stopping) {
            // stop() woke the consumer up
        } catch (RuntimeException | java.io.IOException e) {
            log.error("ClickHouse sink stopped", e);
        } finally {
            consumer = null;
        }
    }

    static Map<TopicPartition, OffsetAndMetadata> nextOffsets(List<ConsumerRecord<String, String>> batch) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<String, String> r : batch) {
            offsets.merge(new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1),
                    (a, b) -> a.offset() >= b.offset() ? a : b);
        }
        return offsets;
    }

    static Map<TopicPartition, Long> firstOffsets(List<ConsumerRecord<String, String>> batch) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (ConsumerRecord<String, String> r : batch) {
            offsets.merge(new TopicPartition(r.topic(), r.partition()), r.offset(), Math::min);
        }
        return offsets;
    }

    private void sleep(Duration wait) {
        long until = System.nanoTime() + wait.toNanos();
        while (running && System.nanoTime() < until) {
            try {
                Thread.sleep(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void stop() {
        running = false;
        KafkaConsumer<String, String> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** After Camel has started (its routes are what the loop calls); stopped before Camel stops. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }
}
