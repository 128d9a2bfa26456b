package io.orderpipeline.outbox;

import static io.orderpipeline.outbox.TopicReader.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;

import io.micrometer.core.instrument.MeterRegistry;
import io.orderpipeline.OrderPipelineApplication;
import io.orderpipeline.harness.FreezableProxy;
import io.orderpipeline.platform.LocalStack;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.FileSystemResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ScriptUtils;

/**
 * The relay as the app runs it (the YAML route, its error handling, leadership and Kafka
 * transactions), under faults, against the real MariaDB and Kafka: each test starts relay-only
 * instances of the app on a scratch database and scratch topics of its own, so its counts are its
 * own. Each fault here broke the relay that came before this one.
 */
class OutboxRelayFaultsIT {

    static final String BROKERS = LocalStack.env("KAFKA_BROKERS", "127.0.0.1:9092");
    static final int MYSQL_PORT = Integer.parseInt(LocalStack.env("MYSQL_PORT", "3306"));
    static final Duration DEADLINE = Duration.ofSeconds(60);
    static final JdbcTemplate admin = new JdbcTemplate(LocalStack.mysqlRoot(""));

    final String suffix = UUID.randomUUID().toString().substring(0, 8);
    final String database = "it_relay_" + suffix;
    final String topic = "relay-it-" + suffix;
    final String dlq = "relay-it-dlq-" + suffix;
    final List<ConfigurableApplicationContext> apps = new ArrayList<>();
    final List<AutoCloseable> closeables = new ArrayList<>();
    HikariDataSource dataSource;
    JdbcTemplate db;
    Admin kafka;

    @BeforeEach
    void scratchDatabaseAndTopics() throws Exception {
        admin.execute("CREATE DATABASE " + database);
        dataSource = new HikariDataSource();
        dataSource.setDataSource(LocalStack.mysqlRoot(database));
        dataSource.setMaximumPoolSize(4);
        db = new JdbcTemplate(dataSource);
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        kafka = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BROKERS));
        kafka.createTopics(List.of(new NewTopic(topic, 3, (short) 1), new NewTopic(dlq, 1, (short) 1)))
                .all().get(30, TimeUnit.SECONDS);
    }

    @AfterEach
    void cleanUp() throws Exception {
        apps.forEach(ConfigurableApplicationContext::close);
        for (AutoCloseable c : closeables) {
            c.close();
        }
        kafka.deleteTopics(List.of(topic, dlq));
        kafka.close();
        dataSource.close();
        admin.execute("DROP DATABASE IF EXISTS " + database);
    }

    @Test
    void anEventKafkaRefusesHoldsItsOrdersLaterEventsEvenInTheSameBatchAndRequeuedGoesFirst() throws Exception {
        // The broker takes at most 300 kB per message on this topic; 550 kB of random text (which lz4
        // cannot shrink) is fine for the relay (under its own limit), so only Kafka can refuse it, and
        // only after the batch's first record was sent. (The topic's limit stays above the producer's
        // batch.size: below it, Kafka's producer splits a refused batch again and again, KAFKA-8350.)
        topicConfig(topic, "max.message.bytes", "300000");
        insert("order-b", "OrderCreated", "JSON_OBJECT('seq', 0)");
        long big = insert("order-a", "OrderCreated", "JSON_OBJECT('seq', 1, 'blob', "
                + "(SELECT GROUP_CONCAT(TO_BASE64(RANDOM_BYTES(1024)) SEPARATOR '') FROM seq_1_to_400))");
        insert("order-a", "OrderStatusChanged", "JSON_OBJECT('seq', 2)");
        insert("order-c", "OrderCreated", "JSON_OBJECT('seq', 0)");
        insert("order-a", "OrderStatusChanged", "JSON_OBJECT('seq', 3)");
        ConfigurableApplicationContext relay = relay("a", MYSQL_PORT, Map.of("app.outbox.relay.max-attempts", "3"));

        try (TopicReader events = new TopicReader(topic, true); TopicReader dead = new TopicReader(dlq, true)) {
            List<ConsumerRecord<String, String>> dlqRecords = dead.until(seen -> seen.size() == 1, DEADLINE);
            assertThat(header(dlqRecords.get(0), "dlq.reason")).startsWith("not accepted by Kafka after 3 attempts")
                    .contains("RecordTooLargeException");
            assertThat(header(dlqRecords.get(0), "dlq.outboxId")).isEqualTo(Long.toString(big));
            List<ConsumerRecord<String, String>> published = events.until(seen -> seen.size() >= 2, DEADLINE);
            assertThat(events.during(Duration.ofSeconds(2))).as("the held order's later events stay back")
                    .extracting(ConsumerRecord::key).containsExactlyInAnyOrder("order-b", "order-c");
            assertThat(published).noneMatch(r -> r.key().equals("order-a"));
            assertThat(db.queryForList("SELECT aggregate_id FROM outbox_held_orders", String.class)).containsExactly("order-a");
            assertThat(db.queryForObject("SELECT COUNT(*) FROM outbox WHERE aggregate_id = 'order-a' AND processed = 0",
                    Long.class)).isEqualTo(2);
            await().atMost(DEADLINE).until(() -> gauge(relay, "outbox.held.orders") == 1);

            // The operator raises the topic's limit and requeues: the event goes first, then the held ones.
            topicConfig(topic, "max.message.bytes", "1048588");
            requeue(big);
            List<ConsumerRecord<String, String>> all = events.until(
                    seen -> seen.stream().filter(r -> r.key().equals("order-a")).count() == 3, DEADLINE);
            assertThat(all.stream().filter(r -> r.key().equals("order-a")).map(r -> seq(r.value())))
                    .containsExactly(1, 2, 3);
            assertThat(db.queryForObject("SELECT COUNT(*) FROM outbox WHERE processed = 0", Long.class)).isZero();
            assertThat(db.queryForObject("SELECT COUNT(*) FROM outbox_held_orders", Long.class)).isZero();
        }
    }

    @Test
    void aDeadLetteredFirstEventHoldsItsOrderUntilDiscardedThenTheRestFlowInOrder() {
        long poison = insert("order-a", "OrderCreated", "'\"not an object\"'");
        insert("order-a", "OrderStatusChanged", "JSON_OBJECT('seq', 1)");
        insert("order-a", "OrderStatusChanged", "JSON_OBJECT('seq', 2)");
        insert("order-b", "OrderCreated", "JSON_OBJECT('seq', 0)");
        relay("a", MYSQL_PORT, Map.of());

        try (TopicReader events = new TopicReader(topic, true); TopicReader dead = new TopicReader(dlq, true)) {
            ConsumerRecord<String, String> letter = dead.until(seen -> seen.size() == 1, DEADLINE).get(0);
            assertThat(header(letter, "dlq.reason")).isEqualTo("payload is not a JSON object");
            assertThat(events.until(seen -> !seen.isEmpty(), DEADLINE)).extracting(ConsumerRecord::key).containsExactly("order-b");
            assertThat(events.during(Duration.ofSeconds(2))).extracting(ConsumerRecord::key).containsExactly("order-b");
            Map<String, Object> row = db.queryForMap("SELECT * FROM outbox WHERE id = ?", poison);
            assertThat(row.get("processed")).isEqualTo(true);
            assertThat(row.get("failed_at")).isNotNull();
            assertThat(row.get("last_error")).isEqualTo("payload is not a JSON object");

            discard(poison);
            List<ConsumerRecord<String, String>> after = events.until(seen -> seen.size() == 3, DEADLINE);
            assertThat(after.stream().filter(r -> r.key().equals("order-a")).map(r -> seq(r.value()))).containsExactly(1, 2);
            assertThat(db.queryForObject("SELECT discarded_at IS NOT NULL FROM outbox WHERE id = ?", Boolean.class, poison))
                    .isTrue();
        }
    }

    @Test
    void whileMarkingFailsNothingIsVisibleAndTheRelayBacksOffThenTheEventGoesOutOnce() {
        // MySQL refuses the mark (as a read-only server or a lock timeout would) after Kafka took the batch.
        db.execute("CREATE TRIGGER refuse_mark BEFORE UPDATE ON outbox FOR EACH ROW "
                + "IF NEW.processed = 1 AND OLD.processed = 0 THEN "
                + "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'outbox is read-only for this test'; END IF");
        long id = insert("order-a", "OrderCreated", "JSON_OBJECT('seq', 0)");
        ConfigurableApplicationContext relay = relay("a", MYSQL_PORT, Map.of());

        try (TopicReader events = new TopicReader(topic, true)) {
            await().atMost(DEADLINE).until(() -> counter(relay, "outbox.events.retried") >= 1);
            double before = counter(relay, "outbox.events.retried");
            assertThat(events.during(Duration.ofSeconds(6))).as("aborted batches are invisible").isEmpty();
            double attempts = counter(relay, "outbox.events.retried") - before;
            assertThat(attempts).as("attempts in 6 s: backoff, not one a tick").isBetween(1.0, 20.0);
            assertThat(db.queryForObject("SELECT last_error FROM outbox WHERE id = ?", String.class, id))
                    .contains("outbox is read-only for this test");

            db.execute("DROP TRIGGER refuse_mark");
            await().atMost(DEADLINE).until(() -> processed(id));
            assertThat(events.during(Duration.ofSeconds(2))).hasSize(1);
        }
    }

    @Test
    void whenTheLastStepOfABatchWithADeadLetterFailsNoneOfItsWritesAreKept() {
        // The hold is the batch's last write; here MySQL refuses it, after the marks before it ran.
        db.execute("CREATE TRIGGER refuse_hold BEFORE INSERT ON outbox_held_orders FOR EACH ROW "
                + "SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'no holds for this test'");
        long good = insert("order-a", "OrderCreated", "JSON_OBJECT('seq', 0)");
        long poison = insert("order-b", "OrderCreated", "'\"not an object\"'");
        ConfigurableApplicationContext relay = relay("a", MYSQL_PORT, Map.of());

        try (TopicReader events = new TopicReader(topic, true); TopicReader dead = new TopicReader(dlq, true)) {
            await().atMost(DEADLINE).until(() -> counter(relay, "outbox.events.retried") >= 3);
            assertThat(processed(good)).as("marked only if the whole batch commits").isFalse();
            assertThat(db.queryForObject("SELECT failed_at IS NULL FROM outbox WHERE id = ?", Boolean.class, poison)).isTrue();
            assertThat(events.during(Duration.ofSeconds(1))).isEmpty();
            assertThat(dead.during(Duration.ofSeconds(1))).isEmpty();

            db.execute("DROP TRIGGER refuse_hold");
            await().atMost(DEADLINE).until(() -> processed(good) && processed(poison));
            assertThat(events.during(Duration.ofSeconds(2))).extracting(ConsumerRecord::key).containsExactly("order-a");
            assertThat(dead.during(Duration.ofSeconds(1))).extracting(ConsumerRecord::key).containsExactly("order-b");
        }
    }

    @Test
    void aLeaderWhoseConnectionDiesSilentlyHandsOverWithinSecondsAndStopsRelaying() throws Exception {
        FreezableProxy path = new FreezableProxy(MYSQL_PORT);
        closeables.add(path);
        ConfigurableApplicationContext first = relay("first", path.port(), Map.of());
        await().atMost(DEADLINE).until(() -> gauge(first, "outbox.relay.leader") == 1);
        ConfigurableApplicationContext second = relay("second", MYSQL_PORT, Map.of());
        long before = insert("order-a", "OrderCreated", "JSON_OBJECT('seq', 0)");
        await().atMost(DEADLINE).until(() -> processed(before));
        assertThat(gauge(second, "outbox.relay.leader")).isZero();

        path.freeze(); // nothing crosses any more; no one is told
        long frozenAt = System.nanoTime();
        long after = insert("order-a", "OrderStatusChanged", "JSON_OBJECT('seq', 1)");

        await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200))
                .until(() -> gauge(second, "outbox.relay.leader") == 1);
        long seconds = (System.nanoTime() - frozenAt) / 1_000_000_000L;
        assertThat(seconds).as("hand-over after the lock session's timeout").isLessThan(30);
        // The event goes out at once, unless the silent leader's claim reached the server just after
        // the freeze (it was on its way) and holds the row: then once the server ends that session
        // (app.outbox.relay.session-timeout, 30 s). One make test in several hit that race.
        await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(200)).until(() -> processed(after));
        assertThat(gauge(first, "outbox.relay.leader")).as("the cut-off instance knows it no longer leads").isZero();
        try (TopicReader events = new TopicReader(topic, true)) {
            assertThat(events.during(Duration.ofSeconds(2))).extracting(r -> seq(r.value())).containsExactly(0, 1);
        }
    }

    @Test
    void aLeaderWhoseSessionIsKilledHandsOverAtOnce() {
        ConfigurableApplicationContext first = relay("first", MYSQL_PORT, Map.of());
        await().atMost(DEADLINE).until(() -> gauge(first, "outbox.relay.leader") == 1);
        ConfigurableApplicationContext second = relay("second", MYSQL_PORT, Map.of());

        Long holder = admin.queryForObject("SELECT IS_USED_LOCK(?)", Long.class, "it-" + suffix + ".outbox-relay");
        admin.execute("KILL " + holder);

        await().atMost(Duration.ofSeconds(10)).until(() -> gauge(second, "outbox.relay.leader") == 1);
        long id = insert("order-a", "OrderCreated", "JSON_OBJECT('seq', 0)");
        await().atMost(DEADLINE).until(() -> processed(id));
    }

    @Test
    void aRepublishedLegacyEventKeepsItsRecordTimestampTheOutboxRowsCreationTime() {
        String order = UUID.randomUUID().toString();
        // The seed guide's four-column insert: no time in the payload.
        db.update("INSERT INTO outbox (aggregate_id, aggregate_type, event_type, payload) VALUES (?, 'Order', 'OrderCreated', "
                + "JSON_OBJECT('orderId', ?, 'userId', 'user-1', 'totalAmount', 99.99, 'status', 'PENDING'))", order, order);
        long id = db.queryForObject("SELECT MAX(id) FROM outbox", Long.class);
        long created = db.queryForObject("SELECT created_at FROM outbox WHERE id = ?", LocalDateTime.class, id)
                .toInstant(ZoneOffset.UTC).toEpochMilli();
        relay("a", MYSQL_PORT, Map.of());
        await().atMost(DEADLINE).until(() -> processed(id));

        // What a relay crash between Kafka's commit and MySQL's leaves: published, not marked.
        db.update("UPDATE outbox SET processed = 0, processed_at = DEFAULT WHERE id = ?", id);
        await().atMost(DEADLINE).until(() -> processed(id));

        try (TopicReader events = new TopicReader(topic, true)) {
            List<ConsumerRecord<String, String>> twice = events.until(seen -> seen.size() == 2, DEADLINE);
            assertThat(twice).extracting(ConsumerRecord::timestamp).containsExactly(created, created);
            assertThat(twice).extracting(r -> header(r, "id")).doesNotContainNull().containsOnly(header(twice.get(0), "id"));
        }
    }

    @Test
    void whileKafkaDoesNotAnswerRowsStayPendingWithTheReasonAndTheCircuitOpens() throws Exception {
        long id = insert("order-a", "OrderCreated", "JSON_OBJECT('seq', 0)");
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        ConfigurableApplicationContext relay = relay("a", MYSQL_PORT, Map.of(
                "camel.component.kafka.brokers", "127.0.0.1:" + closed,
                "app.outbox.producer.max-block-ms", "500",
                "app.outbox.relay.redelivery.maximum-redeliveries", "1",
                "app.outbox.relay.circuit-failure-threshold", "2"));

        await().atMost(DEADLINE).until(() -> gauge(relay, "outbox.relay.circuit.open") == 1);
        Map<String, Object> row = db.queryForMap("SELECT * FROM outbox WHERE id = ?", id);
        assertThat(row.get("processed")).isEqualTo(false);
        assertThat(row.get("failed_at")).isNull();
        assertThat((String) row.get("last_error")).startsWith("relay stalled: ").containsIgnoringCase("timeout");
        assertThat(row.get("attempts")).as("an outage is no fault of the event's").isEqualTo(0);
    }

    @Test
    void twoRelaysAtOnceDeliverEveryEventOnceInOrderWhileTheLeaderGoesAway() throws Exception {
        ConfigurableApplicationContext first = relay("first", MYSQL_PORT, Map.of());
        ConfigurableApplicationContext second = relay("second", MYSQL_PORT, Map.of());
        for (int round = 0; round < 10; round++) {
            for (int order = 0; order < 10; order++) {
                insert("order-" + order, round == 0 ? "OrderCreated" : "OrderStatusChanged", "JSON_OBJECT('seq', " + round + ")");
            }
            if (round == 5) {
                ConfigurableApplicationContext leader = gauge(first, "outbox.relay.leader") == 1 ? first : second;
                leader.close(); // the active relay goes away mid-run; the other must take over
            }
            Thread.sleep(50);
        }
        await().atMost(DEADLINE).until(() -> db.queryForObject("SELECT COUNT(*) FROM outbox WHERE processed = 0", Long.class) == 0);

        Map<String, List<Integer>> seen = new TreeMap<>();
        try (TopicReader events = new TopicReader(topic, true)) {
            events.until(all -> all.size() >= 100, DEADLINE);
            for (ConsumerRecord<String, String> r : events.during(Duration.ofSeconds(1))) {
                seen.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(seq(r.value()));
            }
        }
        assertThat(seen).hasSize(10);
        for (Map.Entry<String, List<Integer>> order : seen.entrySet()) {
            assertThat(order.getValue()).as("events of " + order.getKey() + " in commit order, once each")
                    .containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        }
    }

    @Test
    void retentionDeletesOldPublishedAndDiscardedRowsInBatchesAndKeepsTheRest() {
        for (int i = 0; i < 5; i++) {
            insert("old-" + i, "OrderCreated", "JSON_OBJECT('seq', 0)");
        }
        insert("recent", "OrderCreated", "JSON_OBJECT('seq', 0)");
        insert("requeued-recently", "OrderCreated", "JSON_OBJECT('seq', 0)");
        insert("failed-old", "OrderCreated", "JSON_OBJECT('seq', 0)");
        insert("discarded-old", "OrderCreated", "JSON_OBJECT('seq', 0)");
        insert("pending", "OrderCreated", "JSON_OBJECT('seq', 0)");
        db.update("UPDATE outbox SET created_at = NOW(6) - INTERVAL 9 DAY WHERE aggregate_id <> 'recent'");
        db.update("UPDATE outbox SET created_at = NOW(6) - INTERVAL 2 DAY WHERE aggregate_id = 'recent'");
        db.update("UPDATE outbox SET processed = 1, processed_at = NOW(6) - INTERVAL 8 DAY WHERE aggregate_id LIKE 'old-%'");
        db.update("UPDATE outbox SET processed = 1, processed_at = NOW(6) - INTERVAL 1 DAY WHERE aggregate_id = 'recent'");
        // A dead letter written long ago, requeued and published yesterday: kept as long as any row published then.
        db.update("UPDATE outbox SET processed = 1, processed_at = NOW(6) - INTERVAL 1 DAY WHERE aggregate_id = 'requeued-recently'");
        db.update("UPDATE outbox SET processed = 1, processed_at = NOW(6) - INTERVAL 8 DAY, failed_at = NOW(6) - INTERVAL 8 DAY, "
                + "last_error = 'x' WHERE aggregate_id IN ('failed-old', 'discarded-old')");
        db.update("UPDATE outbox SET discarded_at = NOW(6) WHERE aggregate_id = 'discarded-old'");
        db.update("INSERT INTO outbox_held_orders (aggregate_type, aggregate_id, outbox_id, reason) "
                + "SELECT 'Order', 'pending', id, 'held for this test' FROM outbox WHERE aggregate_id = 'failed-old'");

        relay("a", MYSQL_PORT, Map.of("app.outbox.retention.initial-delay", "0", "app.outbox.retention.interval", "500",
                "app.outbox.retention.batch", "2"));

        await().atMost(DEADLINE).untilAsserted(() -> assertThat(
                db.queryForList("SELECT aggregate_id FROM outbox ORDER BY id", String.class))
                .containsExactly("recent", "requeued-recently", "failed-old", "pending"));
    }

    // ---- helpers ----

    /** A relay-only instance of the app on the scratch database (through the given MySQL port) and topics. */
    ConfigurableApplicationContext relay(String name, int mysqlPort, Map<String, String> extra) {
        Map<String, Object> props = new HashMap<>();
        props.put("spring.datasource.url", "jdbc:mysql://127.0.0.1:" + mysqlPort + "/" + database
                + "?sslMode=DISABLED&allowPublicKeyRetrieval=true&connectTimeout=2000&socketTimeout=30000"
                + "&connectionTimeZone=UTC&forceConnectionTimeZoneToSession=true&rewriteBatchedStatements=true");
        props.put("spring.datasource.username", "root");
        props.put("spring.datasource.password", LocalStack.env("MYSQL_ROOT_PASSWORD", "password"));
        props.put("camel.main.routes-include-pattern", "file:routes/outbox-relay.camel.yaml");
        props.put("camel.main.name", "relay-" + name);
        props.put("app.transformer.enabled", "false");
        props.put("app.sink.mode", "connect");
        props.put("app.keeper.enabled", "false");
        props.put("app.clickhouse.init-schema", "false");
        props.put("app.kafka.topics.order-events", topic);
        props.put("app.kafka.topics.order-events-dlq", dlq);
        props.put("app.cluster.mysql.lock-prefix", "it-" + suffix + ".");
        props.put("app.outbox.relay.transactional-id", "it-" + suffix);
        props.put("app.outbox.relay.circuit-half-open-after", "2s");
        props.put("spring.main.banner-mode", "off");
        props.put("logging.level.org.apache.kafka", "ERROR");
        props.putAll(extra);
        props.put("server.port", "0");
        // As command-line arguments: they outrank application.yml and its environment variables.
        String[] args = props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        ConfigurableApplicationContext app = new SpringApplicationBuilder(OrderPipelineApplication.class).run(args);
        apps.add(app);
        return app;
    }

    long insert(String order, String type, String payloadSql) {
        db.update("INSERT INTO outbox (aggregate_id, aggregate_type, event_type, payload) VALUES (?, 'Order', ?, "
                + payloadSql + ")", order, type);
        return db.queryForObject("SELECT MAX(id) FROM outbox", Long.class);
    }

    boolean processed(long id) {
        return Boolean.TRUE.equals(db.queryForObject("SELECT processed FROM outbox WHERE id = ?", Boolean.class, id));
    }

    void requeue(long id) {
        runScript("scripts/outbox/requeue.sql", id);
    }

    void discard(long id) {
        runScript("scripts/outbox/discard.sql", id);
    }

    /** The make target's own SQL, on one connection (it reads the session variable @id). */
    void runScript(String file, long id) {
        db.execute((org.springframework.jdbc.core.ConnectionCallback<Void>) c -> {
            try (var s = c.createStatement()) {
                s.execute("SET @id = " + id);
            }
            ScriptUtils.executeSqlScript(c, new FileSystemResource(LocalStack.projectFile(file)));
            return null;
        });
    }

    void topicConfig(String name, String key, String value) throws Exception {
        kafka.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, name),
                List.of(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
    }

    static double gauge(ConfigurableApplicationContext app, String name) {
        var g = app.getBean(MeterRegistry.class).find(name).gauge();
        return g == null ? Double.NaN : g.value();
    }

    static double counter(ConfigurableApplicationContext app, String name) {
        return app.getBean(MeterRegistry.class).counter(name).count();
    }

    static int seq(String json) {
        try {
            return new ObjectMapper().readTree(json).get("seq").asInt();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
