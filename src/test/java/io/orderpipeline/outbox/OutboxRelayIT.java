package io.orderpipeline.outbox;

import static io.orderpipeline.outbox.TopicReader.header;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.MeterRegistry;
import io.orderpipeline.order.CreateOrderRequest;
import io.orderpipeline.order.Order;
import io.orderpipeline.order.OrderService;
import io.orderpipeline.order.OrderStatus;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import io.orderpipeline.PipelineTest;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The relay against the real MariaDB and Kafka (the one pipeline instance all @PipelineTest
 * classes share); counters are compared before and after, since other tests move them too.: what reaches order.events, in which order, with
 * which key and headers; what goes to order.events.dlq; and what the outbox rows say afterwards.
 */
@PipelineTest
class OutboxRelayIT {

    static final Duration DEADLINE = Duration.ofSeconds(30);

    @Autowired
    OrderService orders;

    @Autowired
    JdbcTemplate db;

    @Autowired
    MeterRegistry meters;

    @Test
    void anOrdersEventsArePublishedInCommitOrderWithKeyAndHeaders() {
        try (TopicReader topic = new TopicReader("order.events")) {
            Order order = orders.create(new CreateOrderRequest("relay-it", new java.math.BigDecimal("42.00"),
                    "1 Relay Rd", null), null, "h").order();
            orders.changeStatus(order.id(), OrderStatus.PAID);
            orders.changeStatus(order.id(), OrderStatus.SHIPPED);
            orders.changeStatus(order.id(), OrderStatus.DELIVERED);

            List<ConsumerRecord<String, String>> mine = topic.until(
                    seen -> forKey(seen, order.id()).size() == 4, DEADLINE).stream()
                    .filter(r -> order.id().equals(r.key())).toList();

            assertThat(mine).extracting(r -> header(r, "eventType")).containsExactly(
                    "OrderCreated", "OrderStatusChanged", "OrderStatusChanged", "OrderStatusChanged");
            assertThat(mine).extracting(r -> r.value().contains("\"status\":\"" + "DELIVERED" + "\""))
                    .containsExactly(false, false, false, true);
            assertThat(mine).allSatisfy(r -> assertThat(header(r, "aggregateType")).isEqualTo("Order"));
            List<Map<String, Object>> rows = db.queryForList(
                    "SELECT event_id, processed, processed_at FROM outbox WHERE aggregate_id = ? ORDER BY id", order.id());
            assertThat(mine).extracting(r -> header(r, "id")).containsExactlyElementsOf(
                    rows.stream().map(r -> (String) r.get("event_id")).toList());
            await().atMost(DEADLINE).until(() -> db.queryForObject(
                    "SELECT COUNT(*) FROM outbox WHERE aggregate_id = ? AND processed = 1 AND processed_at <> DEFAULT(processed_at)",
                    Long.class, order.id()) == 4);
        }
    }

    @Test
    void rowsInsertedWithTheSeedGuidesFourColumnsAreRelayedToo() {
        String orderId = UUID.randomUUID().toString();
        try (TopicReader topic = new TopicReader("order.events")) {
            db.update("INSERT INTO orders (id, user_id, total_amount, status, shipping_address) "
                    + "VALUES (?, 'user-1', 99.99, 'PENDING', '123 Main St')", orderId);
            db.update("INSERT INTO outbox (aggregate_id, aggregate_type, event_type, payload) VALUES (?, 'Order', "
                    + "'OrderCreated', JSON_OBJECT('orderId', ?, 'userId', 'user-1', 'totalAmount', 99.99, 'status', 'PENDING'))",
                    orderId, orderId);

            ConsumerRecord<String, String> record = forKey(topic.until(seen -> forKey(seen, orderId).size() == 1,
                    DEADLINE), orderId).get(0);

            assertThat(header(record, "eventType")).isEqualTo("OrderCreated");
            assertThat(header(record, "id")).hasSize(36);
            assertThat(record.value()).contains("\"totalAmount\": 99.99").contains(orderId);
            await().atMost(DEADLINE).until(() -> Boolean.TRUE.equals(db.queryForObject(
                    "SELECT processed FROM outbox WHERE aggregate_id = ?", Boolean.class, orderId)));
        }
    }

    @Test
    void poisonEventsGoToTheDeadLetterTopicWithTheReasonAndOthersFlow() {
        String notAnObject = UUID.randomUUID().toString();
        String oversized = UUID.randomUUID().toString();
        String healthy = UUID.randomUUID().toString();
        double deadBefore = meters.counter("outbox.events.dead.lettered").count();
        try (TopicReader dlq = new TopicReader("order.events.dlq"); TopicReader events = new TopicReader("order.events")) {
            insertEvent(notAnObject, "'\"just a string\"'");
            insertEvent(oversized, "JSON_OBJECT('orderId', ?, 'blob', REPEAT('x', 950000))", oversized);
            // The healthy event's order exists in MySQL too, so reconciliation stays exact.
            db.update("INSERT INTO orders (id, user_id, total_amount, status, shipping_address) "
                    + "VALUES (?, 'u', 1.00, 'PENDING', '1 Main St')", healthy);
            insertEvent(healthy, "JSON_OBJECT('orderId', ?, 'userId', 'u', 'totalAmount', 1.00, 'status', 'PENDING')", healthy);

            List<ConsumerRecord<String, String>> dead = dlq.until(
                    seen -> forKey(seen, notAnObject).size() == 1 && forKey(seen, oversized).size() == 1, DEADLINE);
            events.until(seen -> forKey(seen, healthy).size() == 1, DEADLINE);

            assertThat(header(forKey(dead, notAnObject).get(0), "dlq.reason")).isEqualTo("payload is not a JSON object");
            ConsumerRecord<String, String> big = forKey(dead, oversized).get(0);
            assertThat(header(big, "dlq.reason")).contains("over the limit");
            assertThat(header(big, "dlq.truncated")).isEqualTo("true");
            assertThat(header(big, "eventType")).isEqualTo("OrderCreated");
            await().atMost(DEADLINE).untilAsserted(() -> {
                for (String id : List.of(notAnObject, oversized)) {
                    Map<String, Object> row = db.queryForMap("SELECT * FROM outbox WHERE aggregate_id = ?", id);
                    assertThat(row.get("processed")).isEqualTo(true);
                    assertThat(row.get("failed_at")).isNotNull();
                    assertThat((String) row.get("last_error")).isNotBlank();
                    assertThat((Integer) row.get("attempts")).isEqualTo(1);
                }
            });
            assertThat(meters.counter("outbox.events.dead.lettered").count()).isGreaterThanOrEqualTo(deadBefore + 2);
        }
    }

    @Test
    void backlogMetricsAreOnPrometheus() {
        assertThat(meters.find("outbox.pending.rows").gauge()).isNotNull();
        assertThat(meters.find("outbox.oldest.pending.age.seconds").gauge()).isNotNull();
        assertThat(meters.find("outbox.events.published").counter()).isNotNull();
        assertThat(meters.find("outbox.events.retried").counter()).isNotNull();
    }

    void insertEvent(String aggregateId, String payloadSql, Object... args) {
        Object[] all = new Object[args.length + 1];
        all[0] = aggregateId;
        System.arraycopy(args, 0, all, 1, args.length);
        db.update("INSERT INTO outbox (aggregate_id, aggregate_type, event_type, payload) VALUES (?, 'Order', "
                + "'OrderCreated', " + payloadSql + ")", all);
    }

    static List<ConsumerRecord<String, String>> forKey(List<ConsumerRecord<String, String>> records, String key) {
        return records.stream().filter(r -> key.equals(r.key())).toList();
    }
}
