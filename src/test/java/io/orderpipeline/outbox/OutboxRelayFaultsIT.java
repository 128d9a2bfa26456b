package io.orderpipeline.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orderpipeline.platform.KafkaTopics;
import io.orderpipeline.platform.LocalStack;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;

/**
 * The relay's behaviour under faults, on a scratch database of its own (the app's relay never sees
 * these rows): when rows are marked, failed and retried sends, poison, a second instance taking
 * over, a broker that does not answer, and retention. Kafka's own MockProducer stands in for the
 * broker where a test must decide when, or whether, a send is acknowledged; the relay uses the
 * Kafka client directly, so there is no Camel endpoint to replace.
 */
class OutboxRelayFaultsIT {

    static final String DB = "it_relay_" + UUID.randomUUID().toString().substring(0, 8);
    static final JdbcTemplate admin = new JdbcTemplate(LocalStack.mysqlRoot(""));
    static HikariDataSource dataSource;
    static JdbcTemplate db;

    @BeforeAll
    static void scratchDatabase() {
        admin.execute("CREATE DATABASE " + DB);
        Flyway.configure().dataSource(LocalStack.mysqlRoot(DB)).locations("classpath:db/migration").load().migrate();
        dataSource = new HikariDataSource();
        dataSource.setDataSource(LocalStack.mysqlRoot(DB));
        dataSource.setMaximumPoolSize(6);
        db = new JdbcTemplate(dataSource);
    }

    @AfterAll
    static void drop() {
        dataSource.close();
        admin.execute("DROP DATABASE IF EXISTS " + DB);
    }

    @BeforeEach
    void empty() {
        db.update("DELETE FROM outbox");
    }

    @Test
    void oneInstanceRelaysAndAnotherTakesOverWhenItsConnectionDies() {
        OutboxRelayProperties props = props("lock-" + UUID.randomUUID(), Duration.ZERO, Duration.ofDays(7), 1000);
        RelayLeadership first = new RelayLeadership(dataSource, props);
        RelayLeadership second = new RelayLeadership(dataSource, props);
        try {
            assertThat(first.holds()).isTrue();
            assertThat(second.holds()).isFalse();
            assertThat(first.holds()).isTrue();

            // The leader's database session ends (crash, network): its lock goes with it.
            Long holder = db.queryForObject("SELECT IS_USED_LOCK(?)", Long.class, props.leaderLock());
            admin.execute("KILL " + holder);

            // The server frees the lock once the killed session has ended, a moment after KILL returns.
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).until(second::holds);
            assertThat(first.holds()).isFalse();
        } finally {
            first.close();
            second.close();
        }
    }

    @Test
    void whileKafkaDoesNotAnswerRowsStayPendingWithTheErrorAndTheRelayPauses() throws IOException {
        OutboxRelayProperties props = props("lock-unused", Duration.ofSeconds(1), Duration.ofDays(7), 1000);
        try (Producer<String, byte[]> dead = producerTo("127.0.0.1:" + closedPort())) {
            OutboxRelay relay = relay(props, dead);
            for (int i = 0; i < 3; i++) {
                insertEvent("order-" + i);
            }

            assertThat(relay.relayBatch()).isZero();
            assertThat(relay.drain()).as("paused after the failure").isZero();

            List<Map<String, Object>> rows = db.queryForList("SELECT * FROM outbox ORDER BY id");
            assertThat(rows).hasSize(3).allSatisfy(row -> {
                assertThat(row.get("processed")).isEqualTo(false);
                assertThat(row.get("failed_at")).isNull();
                assertThat(row.get("attempts")).isEqualTo(1);
                assertThat((String) row.get("last_error")).containsIgnoringCase("timeout");
            });
        }
    }

    @Test
    void rowsAreMarkedProcessedOnlyAfterKafkaAcknowledgedThem() throws Exception {
        OutboxRelayProperties props = props("lock-unused", Duration.ZERO, Duration.ofDays(7), 1000);
        MockProducer<String, byte[]> kafka = new MockProducer<>(false, new StringSerializer(), new ByteArraySerializer());
        OutboxRelay relay = relay(props, kafka);
        insertEvent("order-a");
        insertEvent("order-b");

        CompletableFuture<Integer> batch = CompletableFuture.supplyAsync(relay::relayBatch);
        await().atMost(Duration.ofSeconds(10)).until(() -> kafka.history().size() == 2);
        assertThat(pending()).as("sent but not yet acknowledged: still pending").isEqualTo(2);
        kafka.completeNext();
        kafka.completeNext();

        assertThat(batch.get(10, TimeUnit.SECONDS)).isEqualTo(2);
        assertThat(pending()).isZero();
        assertThat(db.queryForObject("SELECT COUNT(*) FROM outbox WHERE processed_at IS NOT NULL", Long.class)).isEqualTo(2);
        ProducerRecord<String, byte[]> first = kafka.history().get(0);
        assertThat(first.topic()).isEqualTo("order.events");
        assertThat(first.key()).isEqualTo("order-a");
        assertThat(new String(first.headers().lastHeader("eventType").value())).isEqualTo("OrderCreated");
        assertThat(new String(first.headers().lastHeader("id").value())).isEqualTo(
                db.queryForObject("SELECT event_id FROM outbox WHERE aggregate_id = 'order-a'", String.class));
    }

    @Test
    void aFailedSendLeavesTheRowPendingAndALaterAttemptDeliversIt() throws Exception {
        OutboxRelayProperties props = props("lock-unused", Duration.ZERO, Duration.ofDays(7), 1000);
        MockProducer<String, byte[]> failing = new MockProducer<>(false, new StringSerializer(), new ByteArraySerializer());
        insertEvent("order-c");

        CompletableFuture<Integer> batch = CompletableFuture.supplyAsync(() -> relay(props, failing).relayBatch());
        await().atMost(Duration.ofSeconds(10)).until(() -> failing.history().size() == 1);
        failing.errorNext(new NotEnoughReplicasException("broker lost its replicas"));

        assertThat(batch.get(10, TimeUnit.SECONDS)).isZero();
        Map<String, Object> row = db.queryForMap("SELECT * FROM outbox WHERE aggregate_id = 'order-c'");
        assertThat(row.get("processed")).isEqualTo(false);
        assertThat(row.get("attempts")).isEqualTo(1);
        assertThat((String) row.get("last_error")).contains("NotEnoughReplicasException");

        MockProducer<String, byte[]> healthy = new MockProducer<>(true, new StringSerializer(), new ByteArraySerializer());
        OutboxRelay retry = relay(props, healthy);
        // The row waits out its backoff (about a second here), then goes.
        await().atMost(Duration.ofSeconds(15)).until(() -> retry.relayBatch() == 1);
        assertThat(pending()).isZero();
        assertThat(healthy.history()).extracting(ProducerRecord::key).containsExactly("order-c");
    }

    @Test
    void aPoisonRowIsDeadLetteredWithItsReasonAndMarkedFailed() {
        OutboxRelayProperties props = props("lock-unused", Duration.ZERO, Duration.ofDays(7), 1000);
        MockProducer<String, byte[]> kafka = new MockProducer<>(true, new StringSerializer(), new ByteArraySerializer());
        db.update("INSERT INTO outbox (aggregate_id, aggregate_type, event_type, payload) "
                + "VALUES ('order-p', 'Order', 'OrderCreated', '\"just text\"')");
        insertEvent("order-q");

        assertThat(relay(props, kafka).relayBatch()).isEqualTo(2);

        assertThat(kafka.history()).extracting(ProducerRecord::topic).containsExactly("order.events.dlq", "order.events");
        assertThat(new String(kafka.history().get(0).headers().lastHeader("dlq.reason").value()))
                .isEqualTo("payload is not a JSON object");
        Map<String, Object> row = db.queryForMap("SELECT * FROM outbox WHERE aggregate_id = 'order-p'");
        assertThat(row.get("processed")).isEqualTo(true);
        assertThat(row.get("failed_at")).isNotNull();
        assertThat(row.get("last_error")).isEqualTo("payload is not a JSON object");
    }

    @Test
    void twoRelaysAtOnceDeliverEveryEventWithoutReorderingAnOrder() throws Exception {
        String topic = "relay-it-" + UUID.randomUUID();
        String brokers = LocalStack.env("KAFKA_BROKERS", "127.0.0.1:9092");
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get(30, TimeUnit.SECONDS);
            OutboxRelayProperties props = props("lock-" + UUID.randomUUID(), Duration.ZERO, Duration.ofDays(7), 1000);
            KafkaTopics topics = new KafkaTopics(topic, topic, topic, topic);
            try (Producer<String, byte[]> p1 = producerTo(brokers); Producer<String, byte[]> p2 = producerTo(brokers);
                 RelayLeadership l1 = new RelayLeadership(dataSource, props);
                 RelayLeadership l2 = new RelayLeadership(dataSource, props)) {
                RelayLoop first = new RelayLoop(l1, relay(props, p1, topics));
                RelayLoop second = new RelayLoop(l2, relay(props, p2, topics));
                first.start();
                second.start();
                for (int round = 0; round < 10; round++) {
                    for (int order = 0; order < 10; order++) {
                        insertEvent("order-" + order, round);
                    }
                    if (round == 5) {
                        // The active relay goes away mid-run; the other must take over.
                        RelayLoop active = l1.holds() ? first : second;
                        active.stop();
                        (active == first ? l1 : l2).release();
                    }
                    Thread.sleep(50);
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> pending() == 0);
                first.stop();
                second.stop();
            }

            Map<String, List<Integer>> seen = new java.util.TreeMap<>();
            try (org.apache.kafka.clients.consumer.KafkaConsumer<String, String> c = new org.apache.kafka.clients.consumer.KafkaConsumer<>(
                    Map.of(org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                            org.apache.kafka.clients.consumer.ConsumerConfig.GROUP_ID_CONFIG, topic,
                            org.apache.kafka.clients.consumer.ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                    new org.apache.kafka.common.serialization.StringDeserializer(),
                    new org.apache.kafka.common.serialization.StringDeserializer())) {
                c.subscribe(List.of(topic));
                ObjectMapper json = new ObjectMapper();
                await().atMost(Duration.ofSeconds(30)).until(() -> {
                    for (var r : c.poll(Duration.ofMillis(300))) {
                        seen.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(json.readTree(r.value()).get("seq").asInt());
                    }
                    return seen.values().stream().mapToInt(v -> (int) v.stream().distinct().count()).sum() == 100;
                });
            }
            for (Map.Entry<String, List<Integer>> order : seen.entrySet()) {
                List<Integer> firsts = order.getValue().stream().distinct().toList();
                assertThat(firsts).as("first deliveries of " + order.getKey() + " in commit order")
                        .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
            }
            admin.deleteTopics(List.of(topic));
        }
    }

    /** A relay instance as the app runs it: relay while holding the lock, look again every 20 ms. */
    static final class RelayLoop {
        private final RelayLeadership leadership;
        private final OutboxRelay relay;
        private volatile boolean running = true;
        private final Thread thread;

        RelayLoop(RelayLeadership leadership, OutboxRelay relay) {
            this.leadership = leadership;
            this.relay = relay;
            this.thread = new Thread(() -> {
                while (running) {
                    if (leadership.holds()) {
                        relay.drain();
                    }
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join(10_000);
        }
    }

    void insertEvent(String aggregateId, int seq) {
        db.update("INSERT INTO outbox (aggregate_id, aggregate_type, event_type, payload) VALUES (?, 'Order', "
                + "'OrderCreated', JSON_OBJECT('orderId', ?, 'seq', ?))", aggregateId, aggregateId, seq);
    }

    long pending() {
        return db.queryForObject("SELECT COUNT(*) FROM outbox WHERE processed = 0", Long.class);
    }

    @Test
    void retentionDeletesOldPublishedRowsInBatchesAndKeepsTheRest() {
        OutboxRelayProperties props = props("lock-unused", Duration.ZERO, Duration.ofDays(7), 2);
        for (int i = 0; i < 5; i++) {
            insertEvent("old-" + i);
        }
        insertEvent("recent");
        insertEvent("failed-old");
        insertEvent("pending");
        db.update("UPDATE outbox SET processed = 1, processed_at = NOW(6) - INTERVAL 8 DAY WHERE aggregate_id LIKE 'old-%'");
        db.update("UPDATE outbox SET processed = 1, processed_at = NOW(6) - INTERVAL 1 DAY WHERE aggregate_id = 'recent'");
        db.update("UPDATE outbox SET processed = 1, processed_at = NOW(6) - INTERVAL 8 DAY, failed_at = NOW(6) "
                + "- INTERVAL 8 DAY, last_error = 'x' WHERE aggregate_id = 'failed-old'");

        int deleted = new OutboxRetention(db, props).purge();

        assertThat(deleted).isEqualTo(5);
        assertThat(db.queryForList("SELECT aggregate_id FROM outbox ORDER BY id", String.class))
                .containsExactly("recent", "failed-old", "pending");
    }

    OutboxRelay relay(OutboxRelayProperties props, Producer<String, byte[]> producer) {
        return relay(props, producer, new KafkaTopics("order.events", "order.events.dlq", "analytics.orders",
                "analytics.orders.dlq"));
    }

    OutboxRelay relay(OutboxRelayProperties props, Producer<String, byte[]> producer, KafkaTopics topics) {
        return new OutboxRelay(db, new DataSourceTransactionManager(dataSource), producer, topics, props, new OutboxMetrics(db, new SimpleMeterRegistry()), new ObjectMapper(),
                new OutboxProducerProperties(5, 16384, "none", 500, 500, 1000));
    }

    void insertEvent(String aggregateId) {
        db.update("INSERT INTO outbox (aggregate_id, aggregate_type, event_type, payload) VALUES (?, 'Order', "
                + "'OrderCreated', JSON_OBJECT('orderId', ?))", aggregateId, aggregateId);
    }

    static OutboxRelayProperties props(String lock, Duration standby, Duration retention, int retentionBatch) {
        return new OutboxRelayProperties(true, 1000, Duration.ofMillis(100), Duration.ofSeconds(1), 900_000, 5,
                Duration.ofSeconds(1), Duration.ofSeconds(5), lock, standby, retention, retentionBatch,
                Duration.ofMinutes(1), Duration.ofSeconds(2));
    }

    static Producer<String, byte[]> producerTo(String brokers) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 1000,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 1000,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 2000,
                ProducerConfig.LINGER_MS_CONFIG, 0),
                new StringSerializer(), new ByteArraySerializer());
    }

    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
