package io.orderpipeline.sink;

/** One consumed record of analytics.orders: where it is in its partition, its key and its JSON value. */
public record SinkRecord(int partition, long offset, String key, String value) {
}
