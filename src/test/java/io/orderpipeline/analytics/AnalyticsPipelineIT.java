package io.orderpipeline.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.orderpipeline.PipelineTest;
import io.orderpipeline.platform.LocalStack;
import io.orderpipeline.platform.SqlTime;
import io.orderpipeline.platform.ClickHouseHttp;

import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;

/**
 * The whole path on the real stack: HTTP → MySQL → outbox relay → order.events → transformer →
 * analytics.orders → sink → ClickHouse, judged by the reconciliation of MySQL with ClickHouse.
 */
@PipelineTest
class AnalyticsPipelineIT {

    static final Duration DEADLINE = Duration.ofSeconds(90);
    static final String BROKERS = System.getenv().getOrDefault("KAFKA_BROKERS", "127.0.0.1:9092");

    @Autowired
    TestRestTemplate http;

    @Autowired
    Reconciliation reconciliation;

    @Autowired
    PipelineWatermark watermark;

    @Autowired
    @Qualifier("clickHouseJdbcTemplate")
    JdbcTemplate clickhouse;

    @Autowired
    JdbcTemplate mysql;

    @Autowired
    ClickHouseHttp clickhouseHttp;

    @Autowired
    ProducerTemplate camel;

    @Autowired
    MeterRegistry meters;

    @Autowired
    ObjectMapper json;

    @Autowired
    CamelContext camelContext;

    @Value("${app.sink.group-id}")
    String sinkGroup;

    @Test
    void ordersAndStatusChangesOverHttpEndExactInClickHouse() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            ids.add(create("e2e-" + (i % 3), (10 + i) + ".25"));
        }
        for (int i = 0; i < 10; i++) {
            assertThat(status(ids.get(i), "PAID")).isEqualTo(200);
        }
        for (int i = 0; i < 4; i++) {
            assertThat(status(ids.get(i), i % 2 == 0 ? "SHIPPED" : "CANCELLED")).isEqualTo(200);
        }

        awaitExact();
        assertThat(clickhouse.queryForObject("SELECT count() FROM analytics.orders_analytics WHERE order_id IN ('"
                + String.join("','", ids) + "')", Long.class)).isEqualTo(20 + 10 + 4);
        JsonNode summary = json.readTree(http.getForEntity("/api/analytics/summary", String.class).getBody());
        assertThat(summary.get("ordersToday").asLong()).isGreaterThanOrEqualTo(20);
        assertThat(summary.get("freshnessMs").asLong()).isNotNegative();
        JsonNode statuses = json.readTree(http.getForEntity("/api/analytics/status-distribution", String.class).getBody());
        assertThat(statuses.get("statuses").findValuesAsText("status")).contains("PAID", "SHIPPED", "CANCELLED");
    }

    @Test
    void reconsumingAnalyticsOrdersFromTheBeginningWithAFreshGroupChangesNoAggregate() throws Exception {
        create("replay", "33.33");
        awaitExact();
        String before = aggregates();
        long records = endOffsets("analytics.orders");

        // A second sink, as an operator would start one with a new group: it reads the topic from the start.
        try (var replay = new org.springframework.boot.builder.SpringApplicationBuilder(io.orderpipeline.OrderPipelineApplication.class)
                .run("--server.port=0", "--camel.main.routes-include-pattern=file:routes/clickhouse-sink.camel.yaml",
                        "--app.sink.group-id=replay-" + UUID.randomUUID(), "--app.outbox.relay.enabled=false",
                        "--app.keeper.enabled=false", "--app.transformer.enabled=false",
                        "--app.cluster.mysql.lock-prefix=replay-" + UUID.randomUUID() + ".", "--spring.main.banner-mode=off")) {
            MeterRegistry replayMeters = replay.getBean(MeterRegistry.class);
            await().atMost(DEADLINE).until(() -> replayMeters.counter("pipeline.sink.duplicates.dropped").count() >= records);
            assertThat(replayMeters.counter("pipeline.sink.rows.inserted").count()).isZero();
        }

        assertThat(aggregates()).isEqualTo(before);
        assertThat(reconciliation.run().exact()).isTrue();
    }

    long endOffsets(String topic) {
        try (KafkaConsumer<String, String> c = consumer("ends-" + UUID.randomUUID())) {
            List<TopicPartition> partitions = c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            return c.endOffsets(partitions).values().stream().mapToLong(Long::longValue).sum();
        }
    }

    @Test
    void anEventPublishedTwiceOnOrderEventsIsCountedOnce() throws Exception {
        String id = create("twice", "44.44");
        awaitExact();
        String before = aggregates();
        double duplicatesBefore = duplicates();

        ConsumerRecord<String, String> original = lastRecordFor("order.events", id);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKERS), new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>("order.events", null, original.key(), original.value(), original.headers())).get();
        }

        await().atMost(DEADLINE).until(() -> duplicates() > duplicatesBefore);
        assertThat(aggregates()).isEqualTo(before);
        assertThat(reconciliation.run().exact()).isTrue();
    }

    @Test
    void clickHouseStoppedDuringTrafficAndRestartedEndsExact() throws Exception {
        CompletableFuture<List<String>> traffic = CompletableFuture.supplyAsync(() -> {
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                ids.add(create("outage", (i + 1) + ".10"));
                sleep(100);
            }
            return ids;
        });
        sleep(1000);
        localStack("clickhouse", "stop");
        try {
            assertThat(clickhouseAnswers()).as("ClickHouse is down").isFalse();
            sleep(5000);
        } finally {
            localStack("clickhouse", "start");
        }

        assertThat(traffic.get()).hasSize(40);
        awaitExact();
    }

    @Test
    void whatAnInstanceReadsPastABlockAnotherPlannedGoesInWithoutWaitingForMoreTraffic() throws Exception {
        awaitExact();
        String nonce = "crashed" + Long.toString(System.nanoTime(), 36);
        camelContext.getRouteController().stopRoute("clickhouse-sink");
        List<String> ids = new ArrayList<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BROKERS));
             KafkaConsumer<String, String> reader = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKERS,
                     ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer())) {
            for (int i = 0; i < 12; i++) {
                ids.add(create("takeover", (i + 1) + ".30"));
            }
            // Twelve events on six partitions: some partition has two past the sink's committed offset.
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(sinkGroup)
                    .partitionsToOffsetAndMetadata().get();
            List<TopicPartition> partitions = reader.partitionsFor("analytics.orders").stream()
                    .map(p -> new TopicPartition("analytics.orders", p.partition())).toList();
            reader.assign(partitions);
            partitions.forEach(tp -> reader.seek(tp, committed.get(tp) == null ? 0 : committed.get(tp).offset()));
            Map<TopicPartition, List<Long>> unsunk = new java.util.HashMap<>();
            List<String> seen = new ArrayList<>();
            await().atMost(DEADLINE).until(() -> {
                reader.poll(Duration.ofMillis(300)).forEach(r -> {
                    unsunk.computeIfAbsent(new TopicPartition(r.topic(), r.partition()), k -> new ArrayList<>()).add(r.offset());
                    ids.stream().filter(r.value()::contains).forEach(seen::add);
                });
                return seen.containsAll(ids);
            });
            TopicPartition tp = unsunk.entrySet().stream().filter(e -> e.getValue().size() >= 2).findFirst().orElseThrow().getKey();
            long first = unsunk.get(tp).get(0);

            // What an instance that crashed after planning a block of the first record leaves behind.
            OffsetAndMetadata plan = new OffsetAndMetadata(committed.get(tp) == null ? 0 : committed.get(tp).offset(),
                    "blocks:" + nonce + "/" + first + "-" + first);
            await().atMost(DEADLINE).ignoreExceptions().untilAsserted(() ->
                    admin.alterConsumerGroupOffsets(sinkGroup, Map.of(tp, plan)).all().get());
        } finally {
            camelContext.getRouteController().startRoute("clickhouse-sink");
        }

        // No order follows: the records read past the planned block must not wait for the next batch.
        awaitExact();
        assertThat(clickhouse.queryForObject("SELECT count() FROM analytics.orders_analytics WHERE order_id IN ('"
                + String.join("','", ids) + "')", Long.class)).isEqualTo(12);
        assertThat(clickhouse.queryForObject("SELECT count() FROM analytics.orders_analytics WHERE sink_block LIKE ?",
                Long.class, "%:" + nonce + ":%")).as("the planned block went in as planned").isEqualTo(1);
    }

    @Test
    void kafkaStoppedDuringTrafficOrdersAreStillAcceptedAndDeliveredWhenItReturns() throws Exception {
        List<String> ids = new ArrayList<>();
        localStack("kafka", "stop");
        try {
            for (int i = 0; i < 10; i++) {
                ids.add(create("kafka-outage", (i + 1) + ".20"));
            }
            assertThat(mysql.queryForObject("SELECT COUNT(*) FROM outbox WHERE processed = 0 AND aggregate_id IN ('"
                    + String.join("','", ids) + "')", Long.class)).as("waiting in the outbox").isEqualTo(10);
        } finally {
            localStack("kafka", "start");
        }
        awaitExact();
        assertThat(clickhouse.queryForObject("SELECT count() FROM analytics.orders_analytics WHERE order_id IN ('"
                + String.join("','", ids) + "')", Long.class)).isEqualTo(10);
    }

    @Test
    void aPoisonEventReachesTheDeadLetterTopicAndTheRestFlow() throws Exception {
        String poisonKey = "poison-" + UUID.randomUUID();
        try (KafkaConsumer<String, String> dlq = consumer("dlq-" + UUID.randomUUID());
             KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                     ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKERS), new StringSerializer(), new StringSerializer())) {
            List<TopicPartition> partitions = dlq.partitionsFor("order.events.dlq").stream()
                    .map(p -> new TopicPartition("order.events.dlq", p.partition())).toList();
            dlq.assign(partitions);
            dlq.seekToEnd(partitions);
            partitions.forEach(dlq::position);

            ProducerRecord<String, String> poison = new ProducerRecord<>("order.events", poisonKey, "{\"orderId\":\"x\"}");
            poison.headers().add("id", UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
            poison.headers().add("eventType", "OrderExploded".getBytes(StandardCharsets.UTF_8));
            producer.send(poison).get();
            create("after-poison", "55.55");

            List<ConsumerRecord<String, String>> seen = new ArrayList<>();
            await().atMost(DEADLINE).until(() -> {
                dlq.poll(Duration.ofMillis(200)).forEach(seen::add);
                return seen.stream().anyMatch(r -> poisonKey.equals(r.key()));
            });
            ConsumerRecord<String, String> dead = seen.stream().filter(r -> poisonKey.equals(r.key())).findFirst().orElseThrow();
            assertThat(new String(dead.headers().lastHeader("dlq.reason").value(), StandardCharsets.UTF_8))
                    .isEqualTo("unknown event type 'OrderExploded'");
        }
        awaitExact();
        assertThat(meters.find("pipeline.transformer.dead.lettered").counter().count()).isPositive();
    }

    @Test
    void recordsOnAnalyticsOrdersInsertAsTheKafkaConnectSinkWouldOnBothClickHouses() throws Exception {
        create("connect", "66.66");
        awaitExact();
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> reader = consumer("connect-" + UUID.randomUUID())) {
            reader.subscribe(List.of("analytics.orders"));
            await().atMost(DEADLINE).until(() -> {
                reader.poll(Duration.ofMillis(300)).forEach(r -> values.add(r.value()));
                return values.size() >= 5;
            });
        }
        String db = "connect_it_" + UUID.randomUUID().toString().substring(0, 8);
        String schema = Files.readString(LocalStack.projectFile("scripts/init-clickhouse.sql")).replaceAll("\\banalytics\\b", db);

        // ClickHouse 18.16: the records as they are, with the connector's settings (ClickHouseHttp uses them).
        // A scratch database, so the admin login: the app's may use analytics only.
        JdbcTemplate admin = new JdbcTemplate(LocalStack.clickHouse());
        ClickHouseHttp adminHttp = LocalStack.clickHouseAdminHttp();
        io.orderpipeline.platform.ClickHouseSchema.statements(schema).forEach(admin::execute);
        try {
            adminHttp.insertJsonEachRow(db + ".orders_analytics", values);
            assertThat(admin.queryForObject("SELECT count() FROM " + db + ".orders_analytics", Long.class))
                    .isEqualTo(values.size());
        } finally {
            admin.execute("DROP DATABASE IF EXISTS " + db);
        }

        // A current ClickHouse (chdb): the same records, the same settings.
        String script = schema + "\nSET input_format_skip_unknown_fields = 1;\nSET date_time_input_format = 'best_effort';\n"
                + "INSERT INTO " + db + ".orders_analytics FORMAT JSONEachRow " + String.join("\n", values) + "\n;\n"
                + "SELECT count() FROM " + db + ".orders_analytics;\n";
        String out = io.orderpipeline.platform.Chdb.run(script);
        assertThat(out.strip()).isEqualTo(String.valueOf(values.size()));
    }


    @Test
    void aSeedStyleEventTheRelayPublishesTwiceIsCountedOnce() throws Exception {
        String order = UUID.randomUUID().toString();
        mysql.update("INSERT INTO orders (id, user_id, total_amount, status, shipping_address) "
                + "VALUES (?, 'user-1', 99.99, 'PENDING', '123 Main St')", order);
        mysql.update("INSERT INTO outbox (aggregate_id, aggregate_type, event_type, payload) VALUES (?, 'Order', 'OrderCreated', "
                + "JSON_OBJECT('orderId', ?, 'userId', 'user-1', 'totalAmount', 99.99, 'status', 'PENDING'))", order, order);
        awaitExact();
        String before = aggregates();
        double duplicatesBefore = duplicates();

        // What a relay crash between Kafka's commit and MySQL's leaves: the event goes out again.
        mysql.update("UPDATE outbox SET processed = 0, processed_at = DEFAULT WHERE aggregate_id = ?", order);
        await().atMost(DEADLINE).until(() -> duplicates() > duplicatesBefore);

        assertThat(aggregates()).isEqualTo(before);
        awaitExact();
        assertThat(clickhouse.queryForObject("SELECT count() FROM analytics.orders_analytics WHERE order_id = ?", Long.class, order))
                .isEqualTo(1);
    }

    @Test
    void aViewThatFailsAfterTheTableTookTheEventIsMadeWholeByTheKeeper() throws Exception {
        // A view that fails for one user's orders: it sorts after daily_ and hourly_sales_mv and before
        // order_status_mv, and views take an insert in that order, after the table: the table and the
        // first two views get the order, the last two do not; the client only hears of a failure.
        String user = "fail-once-" + UUID.randomUUID().toString().substring(0, 8);
        ClickHouseHttp admin = LocalStack.clickHouseAdminHttp();
        admin.execute("CREATE TABLE analytics.test_failing_users (user_id String) ENGINE = Memory");
        admin.execute("CREATE MATERIALIZED VIEW analytics.m_test_failing_mv ENGINE = MergeTree() ORDER BY order_id AS "
                + "SELECT order_id, throwIf(user_id IN (SELECT user_id FROM analytics.test_failing_users)) AS failed "
                + "FROM analytics.orders_analytics");
        double repairsBefore = meters.counter("pipeline.view.repairs", "view", "order_status_mv").count();
        try {
            admin.execute("INSERT INTO analytics.test_failing_users VALUES ('" + user + "')");
            String id = create(user, "12.34");
            awaitInClickHouse(id, 1);
            // The server recovers (here: the view stops failing); the sink's retry finds the event in the table.
            admin.execute("TRUNCATE TABLE analytics.test_failing_users");
        } finally {
            admin.execute("DROP TABLE IF EXISTS analytics.m_test_failing_mv");
            admin.execute("DROP TABLE IF EXISTS analytics.test_failing_users");
        }
        awaitExact();
        assertThat(meters.counter("pipeline.view.repairs", "view", "order_status_mv").count()).isGreaterThan(repairsBefore);
    }

    @Test
    void anInsertThatReachesClickHouseAfterItsClientGaveUpIsNotCountedTwice() throws Exception {
        double repairsBefore = meters.counter("pipeline.view.repairs", "view", "daily_sales_mv").count();
        // The sink's next insert reaches ClickHouse 6 s late; the sink gives up after 3 s and sends it again.
        io.orderpipeline.ClickHouseThroughProxy.proxy().deliverLate("INSERT+INTO+analytics.orders_analytics", Duration.ofSeconds(6));
        String id = create("late-insert", "23.45");

        awaitInClickHouse(id, 2);
        awaitExact();
        // 18.16 recognises no retried insert: the views are put right by the keeper. (A current
        // ClickHouse drops the late copy by its token: ClickHouseSchemaIT proves that on chdb.)
        assertThat(meters.counter("pipeline.view.repairs", "view", "daily_sales_mv").count()).isGreaterThan(repairsBefore);
    }

    @Test
    void aDifferenceOnlyInTheHourlyViewIsReportedByItsKeyAndHealsByItself() throws Exception {
        // A key that received an event a moment ago: the keeper leaves it alone for its settle time (15 s here).
        awaitExact();
        String id = create("hourly-drift", "10.00");
        awaitInClickHouse(id, 1);
        String hour = clickhouse.queryForObject("SELECT formatDateTime(toStartOfHour(now()), '%Y-%m-%d %H:00:00')", String.class);
        LocalStack.clickHouseAdminHttp().execute("INSERT INTO analytics.hourly_sales_mv (order_hour, order_count, total_revenue) "
                + "VALUES ('" + hour + "', 1, 9.99)");

        Reconciliation.Report report = reconciliation.run();

        assertThat(report.exact()).isFalse();
        assertThat(report.differences()).singleElement().satisfies(l -> {
            assertThat(l.kind()).isEqualTo("hour");
            assertThat(l.key()).isEqualTo(hour);
            assertThat(l.clickhouseOrders() - l.mysqlOrders()).isEqualTo(1);
        });
        assertThat(Reconciliation.table(report)).contains(hour).contains("DIFFERENT");
        awaitExact();
    }

    @Test
    void aDifferenceInOneDaysStatusCountsIsReportedByItsKeyAndHealsByItself() throws Exception {
        // The views agree before the drift is made, so that it is the only difference (a test before
        // may leave one for the keeper, which would cancel or add to it).
        awaitExact();
        String id = create("status-drift", "10.00");
        assertThat(status(id, "PAID")).isEqualTo(200);
        awaitInClickHouse(id, 2);
        String day = clickhouse.queryForObject("SELECT toString(today())", String.class);
        LocalStack.clickHouseAdminHttp().execute("INSERT INTO analytics.order_status_mv (order_date, status, order_count) "
                + "VALUES ('" + day + "', 'PAID', -1)");

        Reconciliation.Report report = reconciliation.run();

        assertThat(report.differences()).singleElement().satisfies(l -> {
            assertThat(l.kind()).isEqualTo("status");
            assertThat(l.key()).isEqualTo(day + "/PAID");
        });
        awaitExact();
    }

    @Test
    void anOrderCreatedInTheSameMillisecondJustBeforeTheWatermarkIsNoDifference() throws Exception {
        // MySQL keeps microseconds, ClickHouse's event_time_ms milliseconds: at 1,000 orders/s about
        // one order a read falls between the watermark and the start of its millisecond.
        awaitExact();
        String id = create("watermark-edge", "12.34");
        awaitInClickHouse(id, 1);
        Instant justAfter = createdAt(id).plus(1, ChronoUnit.MICROS);

        Reconciliation.Report report = new Reconciliation(mysql, clickhouse, () -> justAfter).run();

        assertThat(report.exact()).as(Reconciliation.table(report)).isTrue();
    }

    @Test
    void whileOrdersAndStatusChangesFlowEveryReconciliationIsExact() throws Exception {
        // Live traffic must neither hide a difference nor invent one: inserts land in ClickHouse and
        // orders change in MySQL while a run reads. The changes go to orders a moment old, which are
        // behind the watermark then.
        awaitExact();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger changes = new AtomicInteger();
        List<CompletableFuture<Void>> clients = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            clients.add(CompletableFuture.runAsync(() -> {
                ArrayDeque<String> pending = new ArrayDeque<>();
                while (!stop.get()) {
                    pending.add(create("live", "10.50"));
                    if (pending.size() > 40) {
                        assertThat(status(pending.poll(), "PAID")).isEqualTo(200);
                        changes.incrementAndGet();
                    }
                }
            }));
        }
        int changesBefore;
        Instant started = Instant.now();
        try {
            await().atMost(DEADLINE).until(() -> changes.get() >= 100 || clients.stream().anyMatch(CompletableFuture::isDone));
            // Else every live event would be after the watermark, and the runs would compare none of them.
            await().atMost(DEADLINE).until(() -> watermark.now().isAfter(started.plusSeconds(1)));
            changesBefore = changes.get();
            for (int i = 0; i < 3; i++) {
                Reconciliation.Report report = reconciliation.run();
                assertThat(report.exact()).as("run %d while traffic flows:%n%s", i + 1, Reconciliation.table(report)).isTrue();
            }
        } finally {
            stop.set(true);
        }
        for (CompletableFuture<Void> c : clients) {
            c.get(30, TimeUnit.SECONDS);
        }
        assertThat(changes.get()).as("status changes made while the runs read").isGreaterThan(changesBefore);
        awaitExact();
    }

    @Test
    void aReadWhileAnInsertHasWrittenTheTableButNotYetEveryViewIsNoDifference() throws Exception {
        // ClickHouse writes an insert's table part, then its views one after the other (by name on
        // 18.16): a view that takes 2.9 s, named to come before order_status_mv, holds that view
        // behind the table for as long, as a loaded server does for a moment.
        awaitExact();
        LocalStack.clickHouseAdminHttp().execute("CREATE MATERIALIZED VIEW analytics.m_slow_view ENGINE = Null "
                + "AS SELECT sleep(2.9) AS slept FROM analytics.orders_analytics");
        try {
            String id = create("slow-view", "10.00");
            awaitInClickHouse(id, 1);
            assertThat(clickhouse.queryForObject("SELECT count() FROM " + Reconciliation.INSERTS_RUNNING, Long.class))
                    .as("the insert is still writing its views").isPositive();

            // One read (run() would compare again a second later), as of the order's creation: the
            // order is not yet counted in MySQL, and its event comes off ClickHouse's side.
            List<Reconciliation.Line> lines = reconciliation.compare(createdAt(id).truncatedTo(ChronoUnit.MILLIS));

            assertThat(lines).filteredOn(l -> !l.matches()).isEmpty();
        } finally {
            LocalStack.clickHouseAdminHttp().execute("DROP TABLE analytics.m_slow_view");
        }
    }

    @Test
    void whereClickHouseRefusesItsProcessListTheReconciliationStillCompares() throws Exception {
        // A current ClickHouse refuses system.processes to a user without GRANT SELECT on it (its
        // default select_from_system_db_requires_grant); 18.16 lets everyone read it, so the refusal,
        // in 25.8's words, is made here and every other query goes to the real server.
        awaitExact();
        List<String> refused = new ArrayList<>();
        JdbcTemplate refusing = new JdbcTemplate(Objects.requireNonNull(clickhouse.getDataSource())) {
            @Override
            public void query(String sql, RowCallbackHandler rows) {
                if (sql.contains("system.processes")) {
                    refused.add(sql);
                    throw new UncategorizedSQLException("query", sql, new SQLException("Code: 497. DB::Exception: pipeline: "
                            + "Not enough privileges. To execute this query, it's necessary to have the grant SELECT(query) "
                            + "ON system.processes. (ACCESS_DENIED)"));
                }
                super.query(sql, rows);
            }
        };
        String id = create("no-process-list", "7.00");
        awaitInClickHouse(id, 1);

        Reconciliation.Report report = new Reconciliation(mysql, refusing, watermark::now).run();

        assertThat(report.exact()).as(Reconciliation.table(report)).isTrue();
        assertThat(refused).as("asked once, then read without it").hasSize(1);
    }

    // ---- helpers ----

    Instant createdAt(String orderId) {
        return SqlTime.read(mysql.queryForObject("SELECT created_at FROM orders WHERE id = ?", LocalDateTime.class, orderId));
    }

    void awaitInClickHouse(String orderId, long events) {
        await().atMost(DEADLINE).until(() -> clickhouse.queryForObject(
                "SELECT count() FROM analytics.orders_analytics WHERE order_id = ?", Long.class, orderId) >= events);
    }

    /**
     * Exact, as of a moment after this call: what the test did before is compared too. A service
     * just restarted may refuse the first connections (the pools fill again after it is ready): a
     * run that cannot reach one is tried again until the deadline, like one that is not exact yet.
     */
    void awaitExact() {
        Instant since = Instant.now();
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(500))
                .ignoreExceptionsInstanceOf(DataAccessResourceFailureException.class).untilAsserted(() -> {
            Reconciliation.Report report = reconciliation.run();
            assertThat(report.watermark()).as("the watermark has passed this test's changes").isAfter(since);
            assertThat(report.exact()).as(Reconciliation.table(report)).isTrue();
        });
    }

    /** The comparison without its first line (the watermark, which moves). */
    String aggregates() {
        String table = Reconciliation.table(reconciliation.run());
        return table.substring(table.indexOf('\n') + 1) + "\nrows=" + clickhouse.queryForObject(
                "SELECT count() FROM analytics.orders_analytics", Long.class);
    }

    double duplicates() {
        var counter = meters.find("pipeline.sink.duplicates.dropped").counter();
        return counter == null ? 0 : counter.count();
    }

    String create(String user, String amount) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.CONTENT_TYPE, "application/json");
        ResponseEntity<String> response = http.exchange("/api/orders", HttpMethod.POST, new HttpEntity<>(
                "{\"userId\":\"" + user + "\",\"totalAmount\":" + amount + ",\"shippingAddress\":\"1 Main St\"}", headers),
                String.class);
        assertThat(response.getStatusCode().value()).isEqualTo(201);
        try {
            return json.readTree(response.getBody()).get("id").asText();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    int status(String id, String status) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.CONTENT_TYPE, "application/json");
        return http.exchange("/api/orders/" + id + "/status", HttpMethod.POST,
                new HttpEntity<>("{\"status\":\"" + status + "\"}", headers), String.class).getStatusCode().value();
    }

    ConsumerRecord<String, String> lastRecordFor(String topic, String key) {
        try (KafkaConsumer<String, String> c = consumer("find-" + UUID.randomUUID())) {
            c.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> found = new ArrayList<>();
            await().atMost(DEADLINE).until(() -> {
                c.poll(Duration.ofMillis(300)).forEach(r -> {
                    if (key.equals(r.key())) {
                        found.add(r);
                    }
                });
                return !found.isEmpty();
            });
            return found.get(found.size() - 1);
        }
    }

    static KafkaConsumer<String, String> consumer(String group) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKERS,
                ConsumerConfig.GROUP_ID_CONFIG, group, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000),
                new StringDeserializer(), new StringDeserializer());
    }

    boolean clickhouseAnswers() {
        try {
            clickhouseHttp.query("SELECT 1");
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    static void localStack(String service, String action) throws Exception {
        // Output is captured, not inherited: writing to the test JVM's own stdout corrupts Failsafe's channel.
        Process p = new ProcessBuilder("bash", LocalStack.projectFile("scripts/local/" + service + ".sh").toString(), action)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(service + " " + action + ": " + out).isZero();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
