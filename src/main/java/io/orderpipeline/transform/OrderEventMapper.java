package io.orderpipeline.transform;

import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import org.springframework.stereotype.Component;

/**
 * Turns one order event from order.events into one flat analytics row. Accepts the app's own
 * envelope (eventId, eventType, occurredAt, order{...}, previousStatus) and the seed guide's
 * minimal payload (orderId, userId, totalAmount, status), taking what the payload lacks from the
 * record: the event id and type from its headers, missing times from its timestamp.
 */
@Component("orderEventMapper")
public class OrderEventMapper {

    public static final String ORDER_CREATED = "OrderCreated";
    public static final String ORDER_STATUS_CHANGED = "OrderStatusChanged";
    private static final Set<String> KNOWN = Set.of(ORDER_CREATED, ORDER_STATUS_CHANGED);
    private static final Set<String> STATUSES = Set.of("PENDING", "PAID", "SHIPPED", "DELIVERED", "CANCELLED");
    private static final DateTimeFormatter CLICKHOUSE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    private final ObjectMapper json;
    private final ObjectReader reader;

    public OrderEventMapper(ObjectMapper json) {
        this.json = json;
        // Amounts stay exact decimals as written (10.50 stays 10.50, not 10.5 or 1.05E+1).
        this.reader = json.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .with(JsonNodeFactory.withExactBigDecimals(true));
    }

    /**
     * @param headerEventId   the record's "id" header (the outbox row's event_id), may be null
     * @param headerEventType the record's "eventType" header (the outbox row's event_type), may be null
     * @param recordTimestamp the record's timestamp in epoch milliseconds
     * @throws PoisonEventException when the event cannot be mapped, with the reason
     */
    public AnalyticsRow map(String payload, String headerEventId, String headerEventType, long recordTimestamp) {
        JsonNode event;
        try {
            event = payload == null ? null : reader.readTree(payload);
        } catch (IOException e) {
            throw new PoisonEventException("payload is not valid JSON");
        }
        if (event == null || !event.isObject()) {
            throw new PoisonEventException("payload is not a JSON object");
        }
        String eventType = firstText(headerEventType, text(event, "eventType"));
        if (eventType == null) {
            throw new PoisonEventException("event type missing");
        }
        if (!KNOWN.contains(eventType)) {
            throw new PoisonEventException("unknown event type '" + eventType + "'");
        }
        String eventId = firstText(headerEventId, text(event, "eventId"));
        if (eventId == null || !eventId.matches("[0-9a-fA-F-]{36}")) {
            throw new PoisonEventException("event id missing or not a UUID");
        }
        JsonNode order = event.path("order").isObject() ? event.get("order") : event;
        String orderId = firstText(text(order, "id"), text(event, "orderId"), text(event, "aggregateId"));
        if (orderId == null) {
            throw new PoisonEventException("order id missing");
        }
        String userId = text(order, "userId");
        if (userId == null) {
            throw new PoisonEventException("userId missing");
        }
        BigDecimal amount = amount(order.get("totalAmount"));
        String status = status(text(order, "status"), "status");
        String previous = "";
        if (eventType.equals(ORDER_STATUS_CHANGED)) {
            previous = status(text(event, "previousStatus"), "previousStatus");
            if (previous.equals(status)) {
                // order_status_mv moves a count from the previous status to the new one: a change to
                // the same status would take two from it (and the view keeper would fight that).
                throw new PoisonEventException("status change from " + previous + " to itself changes nothing");
            }
        }
        Instant occurred = time(firstText(text(event, "occurredAt"), text(order, "updatedAt")), recordTimestamp, "occurredAt");
        Instant created = time(text(order, "createdAt"), occurred.toEpochMilli(), "createdAt");
        return new AnalyticsRow(eventId.toLowerCase(), eventType, orderId, userId, amount,
                firstText(text(order, "currency"), "USD"), status, previous, CLICKHOUSE_TIME.format(created),
                CLICKHOUSE_TIME.format(occurred), occurred.toEpochMilli());
    }

    public String toJson(AnalyticsRow row) throws IOException {
        return json.writeValueAsString(row);
    }

    private static BigDecimal amount(JsonNode node) {
        if (node == null || !node.isNumber()) {
            throw new PoisonEventException("totalAmount missing or not a number");
        }
        BigDecimal amount = node.decimalValue();
        if (amount.signum() <= 0 || amount.scale() > 2 || amount.precision() - amount.scale() > 16) {
            throw new PoisonEventException("totalAmount " + amount.toPlainString() + " is not a positive amount with at most 2 decimals");
        }
        return amount;
    }

    private static String status(String value, String field) {
        if (value == null || !STATUSES.contains(value)) {
            throw new PoisonEventException(field + " missing or unknown: " + value);
        }
        return value;
    }

    private static Instant time(String iso, long fallbackMillis, String field) {
        if (iso == null) {
            return Instant.ofEpochMilli(fallbackMillis);
        }
        try {
            return Instant.parse(iso);
        } catch (DateTimeParseException e) {
            throw new PoisonEventException(field + " is not an ISO-8601 instant: " + iso);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() || !value.isValueNode() ? null : value.asText();
    }

    private static String firstText(String... candidates) {
        for (String c : candidates) {
            if (c != null && !c.isBlank()) {
                return c;
            }
        }
        return null;
    }
}
