package io.orderpipeline.transform;

import java.math.BigDecimal;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One row of analytics.orders (and of ClickHouse's orders_analytics): field names are the column
 * names; times are "yyyy-MM-dd HH:mm:ss" in UTC, which ClickHouse 18.16 and current versions (and
 * the Kafka Connect sink) all parse; amounts are JSON numbers.
 */
public record AnalyticsRow(
        @JsonProperty("event_id") String eventId,
        @JsonProperty("event_type") String eventType,
        @JsonProperty("order_id") String orderId,
        @JsonProperty("user_id") String userId,
        @JsonProperty("total_amount") BigDecimal totalAmount,
        @JsonProperty("currency") String currency,
        @JsonProperty("status") String status,
        @JsonProperty("previous_status") String previousStatus,
        @JsonProperty("created_at") String createdAt,
        @JsonProperty("event_time") String eventTime,
        @JsonProperty("event_time_ms") long eventTimeMs) {
}
