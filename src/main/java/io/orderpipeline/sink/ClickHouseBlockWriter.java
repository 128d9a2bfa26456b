package io.orderpipeline.sink;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.orderpipeline.platform.ChunkedBody;
import io.orderpipeline.platform.ClickHouseHttp;
import io.orderpipeline.platform.ClickHouseRefusedException;
import io.orderpipeline.platform.ClickHouseSchema;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Inserts a batch's blocks into orders_analytics so that, however often they are tried, every
 * aggregate counts them once:
 * <ul>
 * <li>On a current ClickHouse, each block in an INSERT of its own, under the block's
 * insert_deduplication_token, with deduplicate_blocks_in_dependent_materialized_views: the table and
 * each view drop a block they took before and take one they missed (ClickHouseSchema's migration 2
 * gives them the windows).
 * <li>On 18.16, which has neither, all blocks of the batch in one INSERT (every block its own part
 * would give its merges six times the parts): blocks that may have been tried before first ask
 * which of their rows the table holds (each row names its block in sink_block) and send only the
 * rest. What that cannot see, a view that missed an insert or an earlier attempt that arrives late,
 * the view keeper finds and repairs.
 * </ul>
 * The query id is the token (18.16: a name of the blocks): ClickHouse refuses to run the same insert
 * twice at the same time. When ClickHouse refuses the content, the rows are halved until the refused ones stand alone
 * (each part with a token of its own offset range, so a retry cuts the same parts); those go to the
 * dead letters. Any other failure is thrown: the route retries the insert, then the batch.
 */
@Component("clickHouseBlocks")
public class ClickHouseBlockWriter {

    public static final String TABLE = "analytics.orders_analytics";
    static final String REFUSED_BY_CLICKHOUSE = "ClickHouse refused the row: ";

    private final ClickHouseHttp clickhouse;
    private final BooleanSupplier tokens;
    private final Counter inserted;
    private final Timer eventAge;

    @Autowired
    public ClickHouseBlockWriter(ClickHouseHttp clickhouse, ClickHouseSchema schema, MeterRegistry meters) {
        this(clickhouse, schema::deduplicatesInserts, meters);
    }

    ClickHouseBlockWriter(ClickHouseHttp clickhouse, BooleanSupplier tokens, MeterRegistry meters) {
        this.clickhouse = clickhouse;
        this.tokens = tokens;
        this.inserted = Counter.builder("pipeline.sink.rows.inserted").description("Rows inserted into ClickHouse")
                .register(meters);
        // Freshness: how old each event is when it lands, from its event time to the insert.
        this.eventAge = Timer.builder("pipeline.sink.event.age")
                .description("Age of each event (since it happened) when the sink inserted it into ClickHouse")
                .publishPercentiles(0.5, 0.99).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofHours(1))
                .register(meters);
    }

    /** Body in: the batch's blocks; out: the INSERTs to make, each a list of blocks (see above). */
    public List<List<SinkBlock>> inserts(List<SinkBlock> blocks) {
        List<SinkBlock> some = blocks.stream().filter(b -> !b.rows().isEmpty()).toList();
        if (tokens.getAsBoolean()) {
            return some.stream().map(List::of).toList();
        }
        return some.isEmpty() ? List.of() : List.of(some);
    }

    /** One INSERT: a block under its token, or (18.16) the rows of several blocks the table lacks. */
    public void insert(List<SinkBlock> blocks) {
        boolean tokens = this.tokens.getAsBoolean();
        List<SinkBlock> again = blocks.stream().filter(b -> b.tried().getAndSet(true) || b.replayed()).toList();
        Map<String, Set<Long>> stored = !tokens && !again.isEmpty() ? storedOffsets(again) : Map.of();
        List<SinkRow> rows = new ArrayList<>();
        for (SinkBlock block : blocks) {
            block.refused().removeIf(r -> r.reason().startsWith(REFUSED_BY_CLICKHOUSE));
            Set<Long> in = stored.getOrDefault(block.token(), Set.of());
            block.rows().stream().filter(r -> !in.contains(r.offset())).forEach(rows::add);
        }
        // 18.16: the same name for each attempt, whatever part of it is still to send.
        String name = UUID.nameUUIDFromBytes(blocks.stream().map(SinkBlock::token).collect(Collectors.joining(","))
                .getBytes(StandardCharsets.UTF_8)).toString();
        insert(blocks, rows, tokens, name);
    }

    private void insert(List<SinkBlock> blocks, List<SinkRow> rows, boolean tokens, String name) {
        if (rows.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis();
        try {
            // With tokens an insert is one block (inserts), its rows a range of it.
            String token = tokens ? blocks.get(0).token(rows.get(0).offset(), rows.get(rows.size() - 1).offset()) : name;
            ChunkedBody body = new ChunkedBody(rows.size() * (rows.get(0).headLength() + 160));
            rows.forEach(r -> r.writeTo(body, now).newline());
            clickhouse.insertJsonEachRow(TABLE, body, settings(token, tokens));
            inserted.increment(rows.size());
            long done = System.currentTimeMillis();
            for (SinkRow r : rows) {
                if (r.timestampMs() > 0) {
                    eventAge.record(Math.max(0, done - r.timestampMs()), TimeUnit.MILLISECONDS);
                }
            }
        } catch (ClickHouseRefusedException e) {
            if (!e.isContent()) {
                throw e;
            }
            if (rows.size() == 1) {
                SinkRow r = rows.get(0);
                SinkBlock block = blocks.stream().filter(b -> b.token().equals(r.block())).findFirst().orElseThrow();
                block.refused().add(new RefusedRow(r.partition(), r.offset(), r.key(), r.json(now),
                        REFUSED_BY_CLICKHOUSE + e.getMessage()));
                return;
            }
            int half = rows.size() / 2;
            insert(blocks, rows.subList(0, half), tokens, name + "-a");
            insert(blocks, rows.subList(half, rows.size()), tokens, name + "-b");
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

    /** The offsets of each block that an earlier attempt stored (within their event times: the sort key's first column). */
    private Map<String, Set<Long>> storedOffsets(List<SinkBlock> blocks) {
        List<SinkRow> rows = blocks.stream().flatMap(b -> b.rows().stream()).toList();
        if (rows.isEmpty()) {
            return Map.of();
        }
        String min = rows.stream().map(SinkRow::eventTime).min(String::compareTo).orElseThrow();
        String max = rows.stream().map(SinkRow::eventTime).max(String::compareTo).orElseThrow();
        String names = blocks.stream().map(b -> "'" + b.token() + "'").collect(Collectors.joining(", "));
        String out = clickhouse.query("SELECT sink_block, kafka_offset FROM " + TABLE + " WHERE event_time >= '" + min
                + "' AND event_time <= '" + max + "' AND sink_block IN (" + names + ")");
        Map<String, Set<Long>> stored = new HashMap<>();
        out.lines().filter(l -> !l.isBlank()).map(l -> l.split("\t")).forEach(f ->
                stored.computeIfAbsent(f[0], k -> new HashSet<>()).add(Long.parseLong(f[1].strip())));
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
