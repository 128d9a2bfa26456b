package io.orderpipeline.sink;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A block: the records of one partition from offset {@code first} to {@code last}, inserted into
 * ClickHouse as one unit, under a token made of exactly that (topic, partition, the plan's nonce,
 * range). A retry, a restart or another instance that takes the partition over cuts the same block
 * again (the nonce and range are recorded with the partition's committed offset before the insert),
 * so ClickHouse recognises it; the nonce keeps a block of another plan over the same offsets (the
 * topic recreated) from passing for it.
 *
 * @param replayed true when an earlier plan of it may have inserted it, in part or whole
 * @param tried    set by the first attempt of this plan (a retry of the route's step comes again)
 */
public record SinkBlock(String topic, int partition, String nonce, long first, long last, boolean replayed,
                        List<SinkRecord> records, List<SinkRow> rows, List<RefusedRow> refused, AtomicBoolean tried) {

    public SinkBlock(String topic, int partition, String nonce, long first, long last, boolean replayed,
                     List<SinkRecord> records) {
        this(topic, partition, nonce, first, last, replayed, records, new ArrayList<>(), new ArrayList<>(), new AtomicBoolean());
    }

    /** ClickHouse's insert_deduplication_token for rows first to last of the block (a sub-range when a refused row splits it). */
    public String token(long from, long to) {
        return topic + ":" + partition + ":" + nonce + ":" + from + "-" + to;
    }

    public String token() {
        return token(first, last);
    }

    public String range() {
        return first + "-" + last;
    }
}
