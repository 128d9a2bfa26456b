package io.orderpipeline.sink;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderpipeline.platform.ClickHouseHttp;
import io.orderpipeline.platform.ClickHouseRefusedException;
import io.orderpipeline.platform.ClickHouseSchema;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.springframework.stereotype.Component;

/**
 * Inserts one block into orders_analytics so that, however often it is tried, every aggregate
 * counts it once:
 * <ul>
 * <li>On a current ClickHouse, under the block's insert_deduplication_token, with
 * deduplicate_blocks_in_dependent_materialized_views: the table and each view drop a block they
 * took before and take one they missed (ClickHouseSchema's migration 2 gives them the windows).
 * <li>On 18.16, which has neither: a block that may have been tried before first asks which of its
 * rows the table holds (each row names its block in sink_block; an insert reaches the table in one
 * part, all or none) and sends only the rest. What that cannot see, a view that missed a block or an earlier attempt that arrives
 * late, the view keeper finds and repairs.
 * </ul>
 * The query id is the token: ClickHouse refuses to run the same block twice at the same time. When
 * ClickHouse refuses the content, the rows are halved until the refused ones stand alone (each part
 * with a token of its own offset range, so a retry cuts the same parts); those go to the dead letters.
 * Any other failure is thrown: the route retries the block, then the batch.
 */
@Component("clickHouseBlocks")
public class ClickHouseBlockWriter {

    public static final String TABLE = "analytics.orders_analytics";

    private final ClickHouseHttp clickhouse;
    private final ClickHouseSchema schema;
    private final Counter inserted;

    public ClickHouseBlockWriter(ClickHouseHttp clickhouse, ClickHouseSchema schema, MeterRegistry meters) {
        this.clickhouse = clickhouse;
        this.schema = schema;
        this.inserted = Counter.builder("pipeline.sink.rows.inserted").description("Rows inserted into ClickHouse")
                .register(meters);
    }

    public void insert(SinkBlock block) {
        if (block.rows().isEmpty()) {
            return;
        }
        boolean tokens = schema.deduplicatesInserts();
        boolean again = block.tried().getAndSet(true) || block.replayed();
        List<SinkRow> rows = block.rows();
        if (!tokens && again) {
            Set<Long> stored = storedOffsets(block);
            rows = rows.stream().filter(r -> !stored.contains(r.offset())).toList();
        }
        block.refused().removeIf(r -> r.reason().startsWith(REFUSED_BY_CLICKHOUSE));
        insert(block, rows, tokens);
    }

    static final String REFUSED_BY_CLICKHOUSE = "ClickHouse refused the row: ";

    private void insert(SinkBlock block, List<SinkRow> rows, boolean tokens) {
        if (rows.isEmpty()) {
            return;
        }
        String token = block.token(rows.get(0).offset(), rows.get(rows.size() - 1).offset());
        Map<String, String> settings = settings(token, tokens);
        long now = System.currentTimeMillis();
        try {
            clickhouse.insertJsonEachRow(TABLE, rows.stream().map(r -> r.row().put("ingested_ms", now).toString()).toList(),
                    settings);
            inserted.increment(rows.size());
        } catch (ClickHouseRefusedException e) {
            if (!e.isContent()) {
                throw e;
            }
            if (rows.size() == 1) {
                SinkRow r = rows.get(0);
                block.refused().add(new RefusedRow(r.partition(), r.offset(), r.key(), r.row().toString(),
                        REFUSED_BY_CLICKHOUSE + e.getMessage()));
                return;
            }
            int half = rows.size() / 2;
            insert(block, rows.subList(0, half), tokens);
            insert(block, rows.subList(half, rows.size()), tokens);
        }
    }

    /** The settings of a block's insert (also what ClickHouseMigrationsIT sends chdb). */
    public static Map<String, String> settings(String token, boolean tokens) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("query_id", "sink-" + token.replace(':', '-'));
        if (tokens) {
            settings.put("insert_deduplication_token", token);
            settings.put("deduplicate_blocks_in_dependent_materialized_views", "1");
            settings.put("async_insert", "0");
        }
        return settings;
    }

    /** The offsets of the block that an earlier attempt of it stored (within its event times: the sort key's first column). */
    private Set<Long> storedOffsets(SinkBlock block) {
        String min = block.rows().stream().map(SinkRow::eventTime).min(String::compareTo).orElseThrow();
        String max = block.rows().stream().map(SinkRow::eventTime).max(String::compareTo).orElseThrow();
        String out = clickhouse.query("SELECT kafka_offset FROM " + TABLE + " WHERE event_time >= '" + min
                + "' AND event_time <= '" + max + "' AND sink_block = '" + block.token() + "'");
        Set<Long> stored = new HashSet<>();
        out.lines().filter(l -> !l.isBlank()).forEach(l -> stored.add(Long.parseLong(l.strip())));
        return stored;
    }

    /** The rows of a batch's blocks that can never be stored (body: the blocks). */
    public List<RefusedRow> refused(List<SinkBlock> blocks) {
        return blocks.stream().flatMap(b -> b.refused().stream()).toList();
    }

    /** Body in: a refused row; out: its dead letter for analytics.orders.dlq, the reason in its headers. */
    public void deadLetter(Exchange exchange) {
        Message m = exchange.getIn();
        RefusedRow r = m.getBody(RefusedRow.class);
        m.removeHeaders("*");
        m.setHeader(KafkaConstants.KEY, r.key());
        m.setHeader("dlq.reason", r.reason());
        m.setHeader("dlq.source", "clickhouse-sink");
        m.setHeader("dlq.origin", exchange.getContext().resolvePropertyPlaceholders("{{app.kafka.topics.analytics-orders}}")
                + "/" + r.partition() + "/" + r.offset());
        m.setBody(r.value());
    }
}
