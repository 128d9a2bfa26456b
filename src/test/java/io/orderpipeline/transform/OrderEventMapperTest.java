package io.orderpipeline.transform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.json.JsonMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OrderEventMapperTest {

    static final String EVENT_ID = "5b1c6a7e-3f7a-4a49-9d55-0a1b2c3d4e5f";
    final OrderEventMapper mapper = new OrderEventMapper(JsonMapper.builder().findAndAddModules().build());

    @Test
    void theAppsStatusChangeBecomesARowWithBothStatusesAndTheOrdersCreationTime() {
        String payload = """
                {"eventId":"%s","eventType":"OrderStatusChanged","schemaVersion":1,"aggregateType":"Order",
                 "aggregateId":"o-1","occurredAt":"2026-11-25T10:15:30.123456Z","previousStatus":"PENDING",
                 "order":{"id":"o-1","userId":"user-7","totalAmount":1234.50,"currency":"EUR","status":"PAID",
                          "shippingAddress":"1 Main St","createdAt":"2026-11-24T23:59:59.999Z","updatedAt":"2026-11-25T10:15:30.123456Z"}}
                """.formatted(EVENT_ID);

        AnalyticsRow row = mapper.map(payload, EVENT_ID, "OrderStatusChanged", 0);

        assertThat(row).isEqualTo(new AnalyticsRow(EVENT_ID, "OrderStatusChanged", "o-1", "user-7",
                new java.math.BigDecimal("1234.50"), "EUR", "PAID", "PENDING", "2026-11-24 23:59:59",
                "2026-11-25 10:15:30", java.time.Instant.parse("2026-11-25T10:15:30.123Z").toEpochMilli()));
    }

    @Test
    void theSeedGuidesMinimalPayloadTakesIdTypeAndTimesFromTheRecord() {
        String payload = "{\"orderId\": \"o-2\", \"userId\": \"user-1\", \"totalAmount\": 99.99, \"status\": \"PENDING\"}";

        long recordTime = java.time.Instant.parse("2026-11-25T08:26:40Z").toEpochMilli();
        AnalyticsRow row = mapper.map(payload, EVENT_ID.toUpperCase(), "OrderCreated", recordTime);

        assertThat(row.eventId()).isEqualTo(EVENT_ID);
        assertThat(row.orderId()).isEqualTo("o-2");
        assertThat(row.totalAmount()).isEqualByComparingTo("99.99");
        assertThat(row.currency()).isEqualTo("USD");
        assertThat(row.previousStatus()).isEmpty();
        assertThat(row.createdAt()).isEqualTo("2026-11-25 08:26:40");
        assertThat(row.eventTime()).isEqualTo(row.createdAt());
        assertThat(row.eventTimeMs()).isEqualTo(recordTime);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "not JSON                 | {oops                                                                   | OrderCreated       | not valid JSON",
            "not an object            | [1,2]                                                                   | OrderCreated       | not a JSON object",
            "unknown type             | {\"orderId\":\"o\",\"userId\":\"u\",\"totalAmount\":1,\"status\":\"PENDING\"} | OrderExploded      | unknown event type",
            "no order id              | {\"userId\":\"u\",\"totalAmount\":1,\"status\":\"PENDING\"}                 | OrderCreated       | order id missing",
            "amount as text           | {\"orderId\":\"o\",\"userId\":\"u\",\"totalAmount\":\"1\",\"status\":\"PENDING\"} | OrderCreated   | totalAmount",
            "negative amount          | {\"orderId\":\"o\",\"userId\":\"u\",\"totalAmount\":-1,\"status\":\"PENDING\"} | OrderCreated     | totalAmount",
            "unknown status           | {\"orderId\":\"o\",\"userId\":\"u\",\"totalAmount\":1,\"status\":\"LOST\"}    | OrderCreated       | status",
            "change without previous  | {\"orderId\":\"o\",\"userId\":\"u\",\"totalAmount\":1,\"status\":\"PAID\"}    | OrderStatusChanged | previousStatus",
            "change to the same status| {\"orderId\":\"o\",\"userId\":\"u\",\"totalAmount\":1,\"status\":\"PAID\",\"previousStatus\":\"PAID\"} | OrderStatusChanged | to itself"})
    void poisonIsRefusedWithAReason(String name, String payload, String type, String reason) {
        assertThatThrownBy(() -> mapper.map(payload, EVENT_ID, type, 0))
                .isInstanceOf(PoisonEventException.class).hasMessageContaining(reason);
    }

    @Test
    void anEventWithoutAnEventIdIsPoison() {
        assertThatThrownBy(() -> mapper.map("{\"orderId\":\"o\",\"userId\":\"u\",\"totalAmount\":1,\"status\":\"PENDING\"}",
                null, "OrderCreated", 0)).isInstanceOf(PoisonEventException.class).hasMessageContaining("event id");
    }
}
