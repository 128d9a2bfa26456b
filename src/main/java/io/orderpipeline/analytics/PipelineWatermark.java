package io.orderpipeline.analytics;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import io.orderpipeline.platform.SqlTime;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A moment every stage of the pipeline has passed: every change committed in MySQL before it is in
 * ClickHouse (or was lost). It is the earliest of: the oldest outbox row still waiting to be
 * relayed (orders held back by a dead letter aside: those are differences to report), and, for
 * each consumer group, the time of the first record it has not consumed (record times are event
 * times: the relay and the transformer set them so); less a margin for a MySQL transaction that
 * had begun but not yet committed. Reading the groups' positions is an inspection, not a pipeline
 * stage: camel-kafka has no admin API, so the Kafka clients are used directly.
 */
public class PipelineWatermark implements AutoCloseable {

    /** A consumer group and the topic it reads. */
    public record Stage(String group, String topic) {
    }

    private final JdbcTemplate mysql;
    private final String brokers;
    private final List<Stage> stages;
    private final Duration margin;
    private Admin admin;
    private KafkaConsumer<byte[], byte[]> reader;

    public PipelineWatermark(JdbcTemplate mysql, String brokers, List<Stage> stages, Duration margin) {
        this.mysql = mysql;
        this.brokers = brokers;
        this.stages = stages;
        this.margin = margin;
    }

    public synchronized Instant now() {
        Instant w = Instant.now();
        // The oldest by time, not by id: ids are taken when a transaction inserts, times when it began.
        LocalDateTime oldest = mysql.query("SELECT MIN(o.created_at) FROM outbox o WHERE o.processed = 0 AND NOT EXISTS "
                + "(SELECT 1 FROM outbox_held_orders h WHERE h.aggregate_type = o.aggregate_type "
                + "AND h.aggregate_id = o.aggregate_id)", rs -> rs.next() ? rs.getObject(1, LocalDateTime.class) : null);
        if (oldest != null) {
            w = min(w, SqlTime.read(oldest));
        }
        for (Stage stage : stages) {
            w = min(w, firstUnconsumed(stage));
        }
        return w.minus(margin);
    }

    private Instant firstUnconsumed(Stage stage) {
        try {
            Map<TopicPartition, OffsetAndMetadata> committed = admin().listConsumerGroupOffsets(stage.group())
                    .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
            List<TopicPartition> partitions = admin().describeTopics(List.of(stage.topic())).allTopicNames()
                    .get(10, TimeUnit.SECONDS).get(stage.topic()).partitions().stream()
                    .map(p -> new TopicPartition(stage.topic(), p.partition())).toList();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            partitions.forEach(p -> latest.put(p, OffsetSpec.latest()));
            // The last stable offsets: records past them are in open transactions, whose inputs the
            // stage before still holds (the outbox row unmarked, the input offset uncommitted).
            var stable = admin().listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                    .get(10, TimeUnit.SECONDS);
            Instant w = Instant.MAX;
            for (TopicPartition p : partitions) {
                OffsetAndMetadata at = committed.get(p);
                long position = at == null ? 0 : at.offset();
                long last = stable.get(p).offset();
                if (position < last) {
                    w = min(w, timeAt(p, position, last));
                }
            }
            return w;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading Kafka's consumer positions", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the position of " + stage.group() + " on " + stage.topic()
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * The time of the first committed record from the offset up to the stable one, or MAX when there
     * is none. A group's committed offset usually stops just before a transaction's marker: the poll
     * then returns nothing but moves the position past it, so it is short and the position is checked
     * after each (not a 200 ms poll and an endOffsets round trip per partition: 3 s for twelve).
     */
    private Instant timeAt(TopicPartition p, long offset, long stable) {
        KafkaConsumer<byte[], byte[]> c = reader();
        c.assign(List.of(p));
        c.seek(p, offset);
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < until) {
            for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(10))) {
                return Instant.ofEpochMilli(r.timestamp());
            }
            if (c.position(p) >= stable) {
                return Instant.MAX; // only transaction markers or aborted records left
            }
        }
        throw new IllegalStateException("cannot read " + p + " at offset " + offset);
    }

    private Admin admin() {
        if (admin == null) {
            admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000));
        }
        return admin;
    }

    private KafkaConsumer<byte[], byte[]> reader() {
        if (reader == null) {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
            // A fetch at a transaction's marker waits this long on the broker before it answers.
            props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
            // An offset retention has deleted means "from the oldest record left", not "from the end".
            props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            reader = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }
        return reader;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    @Override
    public synchronized void close() {
        if (reader != null) {
            reader.close();
        }
        if (admin != null) {
            admin.close();
        }
    }
}
