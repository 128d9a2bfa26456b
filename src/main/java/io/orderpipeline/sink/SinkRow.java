package io.orderpipeline.sink;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One record of analytics.orders on its way into orders_analytics: where it came from, its event id
 * and time (for de-duplication), its record timestamp (the event time in milliseconds, for the
 * freshness timer), and the row itself.
 */
public record SinkRow(int partition, long offset, String key, String eventId, String eventTime, long timestampMs,
                      ObjectNode row) {
}
