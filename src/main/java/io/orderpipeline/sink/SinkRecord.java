package io.orderpipeline.sink;

/**
 * One consumed record of analytics.orders: where it is in its partition, its key, its JSON value as
 * Kafka delivered it (UTF-8; null for a record with no value) and its timestamp (the event's time in
 * milliseconds: the transformer sets it so).
 */
public record SinkRecord(int partition, long offset, String key, byte[] value, long timestamp) {
}
