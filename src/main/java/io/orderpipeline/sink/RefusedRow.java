package io.orderpipeline.sink;

/** A record that can never be inserted, with the reason; it goes to analytics.orders.dlq. */
public record RefusedRow(int partition, long offset, String key, String value, String reason) {
}
