package io.orderpipeline.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.sql.DataSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orderpipeline.platform.KafkaTopics;
import io.orderpipeline.platform.LocalStack;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
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
 * The relay's behaviour under faults, each on a scratch database of its own (the app's relay never
 * sees these rows): a second instance taking over, a broker that does not answer, and retention.
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

            assertThat(second.holds()).isTrue();
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
        return new OutboxRelay(db, new DataSourceTransactionManager(dataSource), producer,
                new KafkaTopics("order.events", "order.events.dlq", "analytics.orders", "analytics.orders.dlq"),
                props, new OutboxMetrics(db, new SimpleMeterRegistry()), new ObjectMapper(),
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
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 500,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 500,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 1000,
                ProducerConfig.LINGER_MS_CONFIG, 0),
                new StringSerializer(), new ByteArraySerializer());
    }

    static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
