package io.orderpipeline.sink;

/** One consumed record of analytics.orders: where it is on the topic, its key and its JSON value. */
public record SinkRecord(String topic, int partition, long offset, String key, String value) {
}
