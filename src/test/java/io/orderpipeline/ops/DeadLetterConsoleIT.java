package io.orderpipeline.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.orderpipeline.PipelineTest;
import io.orderpipeline.analytics.Reconciliation;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The dead-letter console's API on the whole pipeline: a dead letter made by the real relay (Kafka
 * refuses the record) is listed, refused to callers without the operator's login, requeued once
 * the cause is gone, reaches ClickHouse, and the reconciliation ends exact; records on the
 * dead-letter topics are listed, discarded once, and requeued to the topic they came from.
 */
@PipelineTest
public class DeadLetterConsoleIT {

    static final Duration DEADLINE = Duration.ofSeconds(120);
    static final String BROKERS = System.getenv().getOrDefault("KAFKA_BROKERS", "127.0.0.1:9092");

    @Autowired
    TestRestTemplate http;

    @Autowired
    JdbcTemplate mysql;

    @Autowired
    @Qualifier("clickHouseJdbcTemplate")
    JdbcTemplate clickhouse;

    @Autowired
    Reconciliation reconciliation;

    @Autowired
    ObjectMapper json;

    @Test
    void anOutboxDeadLetterIsRefusedToStrangersRequeuedByTheOperatorAndReachesClickHouseExactly() throws Exception {
        String orderId = UUID.randomUUID().toString();
        long row;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BROKERS))) {
            // order.events takes at most 300 kB per record for a while: a 550 kB event (random text lz4
            // cannot shrink) is refused by Kafka until the operator raises the limit again.
            maxMessageBytes(admin, "300000");
            try {
                row = insertOrderWithLargeEvent(orderId);
                await().atMost(DEADLINE).until(() -> mysql.queryForObject(
                        "SELECT COUNT(*) FROM outbox WHERE id = ? AND failed_at IS NOT NULL", Long.class, row) == 1);
            } finally {
                // Back to the broker's default: no override left on the shared topic.
                admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, "order.events"),
                        List.of(new AlterConfigOp(new ConfigEntry("max.message.bytes", ""), AlterConfigOp.OpType.DELETE))))
                        .all().get(30, TimeUnit.SECONDS);
            }
        }

        // Strangers: 401 problem documents, and nothing changes.
        ResponseEntity<String> anonymous = http.getForEntity("/api/dead-letters", String.class);
        assertThat(anonymous.getStatusCode().value()).isEqualTo(401);
        assertThat(anonymous.getHeaders().getFirst("WWW-Authenticate")).startsWith("Basic");
        assertThat(anonymous.getHeaders().getContentType().toString()).startsWith("application/problem+json");
        assertThat(post("/api/dead-letters/requeue", "{\"outboxId\":" + row + "}", null).getStatusCode().value()).isEqualTo(401);
        assertThat(post("/api/dead-letters/requeue", "{\"outboxId\":" + row + "}", "operator:wrong").getStatusCode().value())
                .isEqualTo(401);
        // Spring Security's filter runs on the console's paths only: other spellings of them are those paths too.
        for (String path : List.of("/%61pi/dead-letters", "/api/dead-letters/", "/api/%64ead-letters/requeue", "/api/./dead-letters",
                "/api/orders/../dead-letters", "/api/dead-letters;x=1")) {
            ResponseEntity<String> other = http.getRestTemplate().exchange(
                    java.net.URI.create(http.getRootUri() + path), HttpMethod.GET, null, String.class);
            assertThat(other.getStatusCode().value()).as(path).isIn(400, 401, 404, 405);
            assertThat(other.getBody()).as(path).doesNotContain(orderId);
        }
        assertThat(mysql.queryForObject("SELECT failed_at IS NOT NULL FROM outbox WHERE id = ?", Boolean.class, row)).isTrue();

        JsonNode listed = list();
        assertThat(listed.path("outbox").findValuesAsText("aggregateId")).contains(orderId);
        assertThat(listed.path("heldOrders").findValuesAsText("aggregateId")).contains(orderId);
        JsonNode mine = find(listed.path("outbox"), "aggregateId", orderId);
        assertThat(mine.path("reason").asText()).contains("RecordTooLargeException");

        ResponseEntity<String> requeued = post("/api/dead-letters/requeue", "{\"outboxId\":" + row + "}", "operator:operator123");
        assertThat(requeued.getStatusCode().value()).as(requeued.getBody()).isEqualTo(200);
        assertThat(json.readTree(requeued.getBody()).path("outboxRows").asInt()).isEqualTo(1);
        assertThat(post("/api/dead-letters/requeue", "{\"outboxId\":" + row + "}", "operator:operator123").getStatusCode().value())
                .as("a row requeued already is no dead letter any more").isEqualTo(404);

        await().atMost(DEADLINE).until(() -> clickhouse.queryForObject(
                "SELECT count() FROM analytics.orders_analytics WHERE order_id = ?", Long.class, orderId) == 1);
        assertThat(find(list().path("outbox"), "aggregateId", orderId)).isNull();
        awaitExact();
    }

    @Test
    void aTopicDeadLetterIsDecidedOnceAndARequeuedOneGoesBackToItsTopicAndIntoClickHouse() throws Exception {
        // A record the transformer refused once (say, before a fix): an order MySQL has, whose event
        // waits on order.events.dlq.
        String orderId = UUID.randomUUID().toString();
        mysql.update("INSERT INTO orders (id, user_id, total_amount, currency, status, shipping_address) "
                + "VALUES (?, 'dlq-user', 12.34, 'USD', 'PENDING', '1 Main St')", orderId);
        Instant created = mysql.queryForObject("SELECT created_at FROM orders WHERE id = ?", java.time.LocalDateTime.class,
                orderId).toInstant(java.time.ZoneOffset.UTC);
        String event = "{\"orderId\":\"" + orderId + "\",\"userId\":\"dlq-user\",\"totalAmount\":12.34,\"status\":\"PENDING\"}";
        RecordMetadata refused = deadLetter("order.events.dlq", orderId, event, Map.of("id", UUID.randomUUID().toString(),
                "eventType", "OrderCreated", "dlq.source", "event-transformer", "dlq.origin", "order.events/0/1",
                "dlq.reason", "refused by an older transformer"), created.toEpochMilli());
        // And one nobody can send back: no origin.
        RecordMetadata orphan = deadLetter("analytics.orders.dlq", "orphan", "{\"not\":\"a row\"}",
                Map.of("dlq.source", "clickhouse-sink", "dlq.reason", "ClickHouse refused the row"), System.currentTimeMillis());

        await().atMost(DEADLINE).until(() -> find(list().path("topicRecords"), "offset", orphan.offset(), "topic",
                "analytics.orders.dlq") != null && find(list().path("topicRecords"), "offset", refused.offset(), "topic",
                "order.events.dlq") != null);
        JsonNode shown = find(list().path("topicRecords"), "offset", refused.offset(), "topic", "order.events.dlq");
        assertThat(shown.path("reason").asText()).isEqualTo("refused by an older transformer");
        assertThat(shown.path("payload").asText()).isEqualTo(event);

        String orphanTarget = target("analytics.orders.dlq", orphan);
        assertThat(post("/api/dead-letters/requeue", orphanTarget, "operator:operator123").getStatusCode().value())
                .as("nowhere to send it back to").isEqualTo(409);
        assertThat(post("/api/dead-letters/discard", orphanTarget, "operator:operator123").getStatusCode().value()).isEqualTo(200);
        assertThat(post("/api/dead-letters/discard", orphanTarget, "operator:operator123").getStatusCode().value())
                .as("decided once").isEqualTo(409);
        assertThat(post("/api/dead-letters/discard", "{\"outboxId\":1,\"all\":true}", "operator:operator123").getStatusCode()
                .value()).as("one target at a time").isEqualTo(400);

        ResponseEntity<String> requeued = post("/api/dead-letters/requeue", target("order.events.dlq", refused),
                "operator:operator123");
        assertThat(requeued.getStatusCode().value()).as(requeued.getBody()).isEqualTo(200);
        await().atMost(DEADLINE).until(() -> clickhouse.queryForObject(
                "SELECT count() FROM analytics.orders_analytics WHERE order_id = ?", Long.class, orderId) == 1);
        JsonNode after = list().path("topicRecords");
        assertThat(find(after, "offset", refused.offset(), "topic", "order.events.dlq")).isNull();
        assertThat(find(after, "offset", orphan.offset(), "topic", "analytics.orders.dlq")).isNull();
        assertThat(mysql.queryForList("SELECT CONCAT(action, ' by ', decided_by) FROM dead_letter_decisions WHERE "
                + "(topic = 'order.events.dlq' AND offset_no = ?) OR (topic = 'analytics.orders.dlq' AND offset_no = ?) ORDER BY topic",
                String.class, refused.offset(), orphan.offset())).containsExactly("discard by operator", "requeue by operator");
        awaitExact();
    }

    @Test
    void allDecidesWhatTheOperatorWasShownAndNothingWrittenSince() throws Exception {
        RecordMetadata seen = deadLetter("analytics.orders.dlq", "seen", "{\"shown\":true}",
                Map.of("dlq.source", "clickhouse-sink", "dlq.reason", "listed before the decision"), System.currentTimeMillis());
        await().atMost(DEADLINE).until(() -> find(list().path("topicRecords"), "offset", seen.offset(), "topic",
                "analytics.orders.dlq") != null);
        JsonNode upTo = list().path("listedUpTo");
        assertThat(post("/api/dead-letters/discard", "{\"all\":true}", "operator:operator123").getStatusCode().value())
                .as("all without the listing it is about").isEqualTo(400);

        RecordMetadata later = deadLetter("analytics.orders.dlq", "later", "{\"shown\":false}",
                Map.of("dlq.source", "clickhouse-sink", "dlq.reason", "written after the listing"), System.currentTimeMillis());
        // The outbox part of the bound is 0 here: this test leaves other tests' outbox rows alone.
        ((com.fasterxml.jackson.databind.node.ObjectNode) upTo).put("outboxId", 0);
        String body = "{\"all\":true,\"upTo\":" + json.writeValueAsString(upTo) + "}";
        assertThat(post("/api/dead-letters/discard", "{\"all\":true,\"upTo\":{\"outboxId\":0,\"listedAt\":\"2026-01-01T00:00:00Z\","
                + "\"records\":{\"order.events/0\":5}}}", "operator:operator123").getStatusCode().value())
                .as("only the dead-letter topics' partitions").isEqualTo(400);
        ResponseEntity<String> discarded = post("/api/dead-letters/discard", body, "operator:operator123");
        assertThat(discarded.getStatusCode().value()).as(discarded.getBody()).isEqualTo(200);
        assertThat(json.readTree(discarded.getBody()).path("topicRecords").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(json.readTree(discarded.getBody()).path("outboxRows").asInt()).isZero();

        await().atMost(DEADLINE).until(() -> find(list().path("topicRecords"), "offset", later.offset(), "topic",
                "analytics.orders.dlq") != null);
        assertThat(find(list().path("topicRecords"), "offset", seen.offset(), "topic", "analytics.orders.dlq")).isNull();
        assertThat(mysql.queryForObject("SELECT COUNT(*) FROM dead_letter_decisions WHERE topic = 'analytics.orders.dlq' "
                + "AND partition_no = ? AND offset_no = ?", Long.class, later.partition(), later.offset()))
                .as("the record written after the listing is undecided").isZero();
        assertThat(post("/api/dead-letters/discard", target("analytics.orders.dlq", later), "operator:operator123")
                .getStatusCode().value()).isEqualTo(200);
    }

    // ---- helpers ----

    long insertOrderWithLargeEvent(String orderId) {
        mysql.update("INSERT INTO orders (id, user_id, total_amount, currency, status, shipping_address) "
                + "VALUES (?, 'dlq-user', 45.67, 'USD', 'PENDING', '1 Main St')", orderId);
        mysql.update("INSERT INTO outbox (aggregate_type, aggregate_id, event_type, payload) SELECT 'Order', ?, 'OrderCreated', "
                + "JSON_OBJECT('orderId', ?, 'userId', 'dlq-user', 'totalAmount', 45.67, 'status', 'PENDING', 'padding', "
                + "(SELECT GROUP_CONCAT(TO_BASE64(RANDOM_BYTES(1024)) SEPARATOR '') FROM seq_1_to_400))", orderId, orderId);
        return mysql.queryForObject("SELECT id FROM outbox WHERE aggregate_id = ?", Long.class, orderId);
    }

    static void maxMessageBytes(Admin admin, String value) throws Exception {
        admin.incrementalAlterConfigs(Map.of(new ConfigResource(ConfigResource.Type.TOPIC, "order.events"),
                List.of(new AlterConfigOp(new ConfigEntry("max.message.bytes", value), AlterConfigOp.OpType.SET))))
                .all().get(30, TimeUnit.SECONDS);
    }

    public static RecordMetadata deadLetter(String topic, String key, String value, Map<String, String> headers, long timestamp)
            throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, BROKERS),
                new StringSerializer(), new StringSerializer())) {
            ProducerRecord<String, String> r = new ProducerRecord<>(topic, null, timestamp, key, value);
            headers.forEach((k, v) -> r.headers().add(k, v.getBytes(StandardCharsets.UTF_8)));
            return producer.send(r).get(30, TimeUnit.SECONDS);
        }
    }

    static String target(String topic, RecordMetadata r) {
        return "{\"topic\":\"" + topic + "\",\"partition\":" + r.partition() + ",\"offset\":" + r.offset() + "}";
    }

    JsonNode list() throws Exception {
        HttpHeaders headers = new HttpHeaders();
        headers.setBasicAuth("operator", "operator123");
        ResponseEntity<String> r = http.exchange("/api/dead-letters", HttpMethod.GET, new HttpEntity<>(headers), String.class);
        assertThat(r.getStatusCode().value()).as(r.getBody()).isEqualTo(200);
        return json.readTree(r.getBody());
    }

    ResponseEntity<String> post(String path, String body, String login) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.CONTENT_TYPE, "application/json");
        if (login != null) {
            headers.setBasicAuth(login.substring(0, login.indexOf(':')), login.substring(login.indexOf(':') + 1));
        }
        return http.exchange(path, HttpMethod.POST, new HttpEntity<>(body, headers), String.class);
    }

    static JsonNode find(JsonNode array, String field, Object value) {
        for (JsonNode n : array) {
            if (n.path(field).asText().equals(String.valueOf(value))) {
                return n;
            }
        }
        return null;
    }

    static JsonNode find(JsonNode array, String field, Object value, String field2, Object value2) {
        for (JsonNode n : array) {
            if (n.path(field).asText().equals(String.valueOf(value)) && n.path(field2).asText().equals(String.valueOf(value2))) {
                return n;
            }
        }
        return null;
    }

    void awaitExact() {
        Instant since = Instant.now();
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Reconciliation.Report report = reconciliation.run();
            assertThat(report.watermark()).isAfter(since);
            assertThat(report.exact()).as(Reconciliation.table(report)).isTrue();
        });
    }
}
