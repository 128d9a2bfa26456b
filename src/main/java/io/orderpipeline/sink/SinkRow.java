package io.orderpipeline.sink;

import java.util.List;

import io.orderpipeline.platform.ChunkedBody;

/**
 * One record of analytics.orders on its way into orders_analytics: where it came from, its event id
 * and time (for de-duplication), its record timestamp (the event time in milliseconds, for the
 * freshness timer), the token of its block, and the row itself: the record's JSON object as it
 * came, without its closing brace (the first {@code headLength} bytes of {@code head}), to which
 * {@link #writeTo} appends the fields the sink sets.
 */
public record SinkRow(int partition, long offset, String key, String eventId, String eventTime, long timestampMs,
                      String block, byte[] head, int headLength) {

    /** The columns the sink fills in itself; a record's own fields of these names are dropped. */
    static final List<String> OWN_FIELDS = List.of("kafka_partition", "kafka_offset", "sink_block", "ingested_ms");

    /**
     * The row as ClickHouse takes it, one line of JSONEachRow. The block's token is a topic name
     * (letters, digits, '.', '_', '-'), numbers and ':', so it needs no escaping.
     */
    public ChunkedBody writeTo(ChunkedBody body, long ingestedMs) {
        return body.bytes(head, 0, headLength).ascii(",\"kafka_partition\":").number(partition).ascii(",\"kafka_offset\":")
                .number(offset).ascii(",\"sink_block\":\"").ascii(block).ascii("\",\"ingested_ms\":").number(ingestedMs)
                .ascii("}");
    }

    /** The line as text (a row ClickHouse refused goes to the dead letters so). */
    public String json(long ingestedMs) {
        ChunkedBody line = new ChunkedBody(headLength + 128);
        writeTo(line, ingestedMs);
        return line.text();
    }
}
