package io.orderpipeline.harness;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;

import io.orderpipeline.analytics.PipelineWatermark;
import io.orderpipeline.analytics.Reconciliation;
import io.orderpipeline.platform.LocalStack;
import io.orderpipeline.platform.ClickHouseHttp;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The harnesses' own handles (make bench, make chaos) on the stack the app runs against (ports from the environment, as
 * the app reads them): MySQL as root, ClickHouse over HTTP, Kafka's admin client.
 */
public final class Services implements AutoCloseable {

    public static final String TRANSFORMER_GROUP = "order-pipeline-transformer";
    public static final String SINK_GROUP = "order-pipeline-clickhouse-sink";

    public final JdbcTemplate mysql = new JdbcTemplate(LocalStack.mysqlRoot(LocalStack.env("MYSQL_DATABASE", "ecommerce")));
    public final ClickHouseHttp clickHouse = LocalStack.clickHouseAdminHttp();
    public final String brokers = "127.0.0.1:" + LocalStack.env("KAFKA_PORT", "9092");
    public final Admin admin;
    private PipelineWatermark watermark;
    private KafkaConsumer<byte[], byte[]> reader;

    public Services() {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        admin = Admin.create(p);
    }

    /** The app's reconciliation on this stack, at the pipeline's watermark (closed with these services). */
    public synchronized Reconciliation reconciliation(JdbcTemplate clickHouseJdbc) {
        if (watermark == null) {
            watermark = new PipelineWatermark(mysql, brokers, List.of(new PipelineWatermark.Stage(TRANSFORMER_GROUP, "order.events"),
                    new PipelineWatermark.Stage(SINK_GROUP, "analytics.orders")), Duration.ofSeconds(5));
        }
        return new Reconciliation(mysql, clickHouseJdbc, watermark::now);
    }

    public long clickHouseLong(String sql) {
        return Long.parseLong(clickHouse.query(sql).trim());
    }

    public long pendingOutboxRows() {
        Long n = mysql.queryForObject("SELECT COUNT(*) FROM outbox WHERE processed = 0", Long.class);
        return n == null ? 0 : n;
    }

    public void createTopic(String name, int partitions) throws InterruptedException {
        try {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("could not create topic " + name, e.getCause());
            }
        }
    }

    /**
     * Records of the topic the group has not consumed yet (all of them if it never committed).
     * Counted by reading, as the group does (read_committed): on a topic written in transactions,
     * the commit markers after a group's last record are offsets too, but no records.
     */
    public long lag(String group, String topic) throws InterruptedException, ExecutionException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        long lag = 0;
        for (var e : admin.listOffsets(latest).all().get().entrySet()) {
            OffsetAndMetadata c = committed.get(e.getKey());
            long from = c == null ? 0 : c.offset();
            if (from < e.getValue().offset()) {
                lag += records(e.getKey(), from, e.getValue().offset());
            }
        }
        return lag;
    }

    private synchronized long records(TopicPartition p, long from, long end) {
        if (reader == null) {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
            props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            reader = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }
        reader.assign(List.of(p));
        reader.seek(p, from);
        long count = 0;
        long until = System.nanoTime() + 5_000_000_000L;
        while (reader.position(p) < end && System.nanoTime() < until) {
            count += reader.poll(java.time.Duration.ofMillis(100)).count();
        }
        return reader.position(p) < end ? Math.max(1, count) : count;
    }

    /** Nothing waiting anywhere: no outbox row pending, no lag on order.events or analytics.orders. */
    public boolean drained() {
        try {
            return pendingOutboxRows() == 0 && lag(TRANSFORMER_GROUP, "order.events") == 0 && lag(SINK_GROUP, "analytics.orders") == 0;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void close() {
        admin.close();
        if (reader != null) {
            reader.close();
        }
        if (watermark != null) {
            watermark.close();
        }
    }
}
