package io.orderpipeline.sink;

import java.util.ArrayList;
import java.util.List;

/**
 * A block: the records of one partition from offset {@code first} to {@code last}, inserted into
 * ClickHouse as one unit, under a token made of exactly that (topic, partition, range). A retry, a
 * restart or another instance that takes the partition over cuts the same block again (the range is
 * recorded with the partition's committed offset before the insert), so ClickHouse recognises it.
 *
 * @param replayed true when an earlier attempt may have inserted it, in part or whole
 */
public record SinkBlock(String topic, int partition, long first, long last, boolean replayed, List<SinkRecord> records,
                        List<SinkRow> rows, List<RefusedRow> refused) {

    public SinkBlock(String topic, int partition, long first, long last, boolean replayed, List<SinkRecord> records) {
        this(topic, partition, first, last, replayed, records, new ArrayList<>(), new ArrayList<>());
    }

    /** ClickHouse's insert_deduplication_token for the block (a sub-range when a refused row splits it). */
    public static String token(String topic, int partition, long first, long last) {
        return topic + ":" + partition + ":" + first + "-" + last;
    }

    public String token() {
        return token(topic, partition, first, last);
    }

    public String range() {
        return first + "-" + last;
    }
}
