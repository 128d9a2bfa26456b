package io.orderpipeline.analytics;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderpipeline.platform.ClickHouseHttp;
import io.orderpipeline.platform.ClickHouseSchema;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Keeps the three views equal to what orders_analytics says, by themselves. A view can drift from
 * the table it aggregates: ClickHouse writes an insert to the table first and then to each view,
 * so a server that dies in between leaves a view short, and on 18.16, which recognises no retried
 * insert, a block that arrives twice is counted twice. Every interval, the keeper recomputes each
 * view's figures from orders_analytics (each event once, by event id) and compares them with the
 * view; where they differ it writes a correction row (the difference: SummingMergeTree adds it in),
 * logs it and counts it (pipeline_view_repairs_total).
 *
 * <p>It never races a live insert: it reads the view before the table, and only corrects keys
 * (days, hours, days and statuses) whose newest row reached the table longer ago than the settle
 * time, longer than any insert may take, so every insert that touched them has finished with every
 * view. A key still receiving events is corrected once it has been quiet that long.
 */
@Component("viewKeeper")
public class ViewKeeper {

    private static final Logger log = LoggerFactory.getLogger(ViewKeeper.class);

    /**
     * One view: how to read it, how to recompute it from orders_analytics, and how to correct it.
     * A sales view (revenue) keys by time and keeps an unsigned count; the status view keys by
     * day/status and keeps a signed one.
     */
    record View(String name, String actual, String expected, String columns, boolean revenue) {
    }

    /** A key's figures: orders (or the status count) and revenue, and when its newest row arrived. */
    record Figures(long count, BigDecimal revenue, long lastIngestMs) {
    }

    static final String DEDUPLICATED = "SELECT event_id, any(event_type) AS type, any(created_at) AS created, "
            + "any(total_amount) AS amount, any(status) AS st, any(previous_status) AS prev, max(ingested_ms) AS last "
            + "FROM analytics.orders_analytics WHERE created_at >= toDateTime(today() - %d) GROUP BY event_id";

    static final List<View> VIEWS = List.of(
            new View("daily_sales_mv",
                    "SELECT toString(order_date), sum(order_count), toString(sum(total_revenue)) FROM analytics.daily_sales_mv "
                            + "WHERE order_date >= today() - %d GROUP BY order_date",
                    "SELECT toString(toDate(created)), count(), toString(sum(amount)), max(last) FROM (" + DEDUPLICATED
                            + ") WHERE type = 'OrderCreated' GROUP BY toDate(created)",
                    "order_date, order_count, total_revenue", true),
            new View("hourly_sales_mv",
                    "SELECT formatDateTime(order_hour, '%%Y-%%m-%%d %%H:00:00'), sum(order_count), toString(sum(total_revenue)) "
                            + "FROM analytics.hourly_sales_mv WHERE order_hour >= toDateTime(today() - %d) GROUP BY order_hour",
                    "SELECT formatDateTime(toStartOfHour(created), '%%Y-%%m-%%d %%H:00:00'), count(), toString(sum(amount)), "
                            + "max(last) FROM (" + DEDUPLICATED + ") WHERE type = 'OrderCreated' GROUP BY toStartOfHour(created)",
                    "order_hour, order_count, total_revenue", true),
            new View("order_status_mv",
                    "SELECT concat(toString(order_date), '/', status), sum(order_count), '0' FROM analytics.order_status_mv "
                            + "WHERE order_date >= today() - %d GROUP BY order_date, status",
                    "SELECT concat(toString(d), '/', s), sum(delta), '0', max(last) FROM ("
                            + "SELECT toDate(created) AS d, st AS s, toInt64(1) AS delta, last FROM (" + DEDUPLICATED + ") "
                            + "UNION ALL SELECT toDate(created) AS d, prev AS s, toInt64(-1) AS delta, last FROM ("
                            + DEDUPLICATED + ") WHERE prev != '') GROUP BY d, s",
                    "order_date, status, order_count", false));

    private final ClickHouseHttp clickhouse;
    private final ClickHouseSchema schema;
    private final Map<String, Counter> repairs = new HashMap<>();
    private final long settleMs;
    private final int days;

    public ViewKeeper(ClickHouseHttp clickhouse, ClickHouseSchema schema, MeterRegistry meters,
                      @Value("${app.keeper.settle:2m}") java.time.Duration settle, @Value("${app.keeper.days:31}") int days) {
        this.clickhouse = clickhouse;
        this.schema = schema;
        this.settleMs = settle.toMillis();
        this.days = days;
        VIEWS.forEach(v -> repairs.put(v.name(), Counter.builder("pipeline.view.repairs").tag("view", v.name())
                .description("Correction rows the view keeper wrote").register(meters)));
    }

    /** One pass over the three views. @return corrections written */
    public int check() {
        if (!schema.isApplied()) {
            return 0;
        }
        int repaired = 0;
        for (View view : VIEWS) {
            repaired += check(view);
        }
        return repaired;
    }

    private int check(View view) {
        // The view first, then the table: an insert that reached the view by now reached the table before.
        Map<String, Figures> actual = read(String.format(view.actual(), days));
        Map<String, Figures> expected = read(String.format(view.expected(), days, days));
        long settledBefore = System.currentTimeMillis() - settleMs;
        int repaired = 0;
        for (String key : union(actual, expected)) {
            Figures want = expected.getOrDefault(key, new Figures(0, BigDecimal.ZERO, 0));
            Figures have = actual.getOrDefault(key, new Figures(0, BigDecimal.ZERO, 0));
            if (want.lastIngestMs() >= settledBefore) {
                continue; // rows still arriving for this key: not settled
            }
            long count = want.count() - have.count();
            BigDecimal revenue = want.revenue().subtract(have.revenue());
            if (count == 0 && revenue.signum() == 0) {
                continue;
            }
            correct(view, key, count, revenue);
            log.warn("View {} repaired for {}: {} {}{} (it held {}{}, orders_analytics says {}{})", view.name(), key,
                    count >= 0 ? "+" + count : count, view.revenue() ? "orders, revenue " : "orders",
                    view.revenue() ? (revenue.signum() >= 0 ? "+" : "") + revenue.toPlainString() : "",
                    have.count(), view.revenue() ? " / " + have.revenue().toPlainString() : "",
                    want.count(), view.revenue() ? " / " + want.revenue().toPlainString() : "");
            repairs.get(view.name()).increment();
            repaired++;
        }
        return repaired;
    }

    /** A correction row: the difference, which the view's SummingMergeTree adds to what it holds. */
    private void correct(View view, String key, long count, BigDecimal revenue) {
        // order_count is UInt64 in the sales views: a negative difference is written as its two's
        // complement, which sum() (unsigned, wrapping) turns back into a subtraction.
        String values;
        if (view.revenue()) {
            values = "('" + key + "', " + Long.toUnsignedString(count) + ", " + revenue.toPlainString() + ")";
        } else {
            String[] dayStatus = key.split("/", 2);
            values = "('" + dayStatus[0] + "', '" + dayStatus[1] + "', " + count + ")";
        }
        // A current ClickHouse would take two equal corrections for one retried block: each its own token.
        String settings = schema.deduplicatesInserts()
                ? " SETTINGS insert_deduplication_token = 'keeper-" + UUID.randomUUID() + "'" : "";
        clickhouse.execute("INSERT INTO analytics." + view.name() + " (" + view.columns() + ")" + settings + " VALUES " + values);
    }

    /** Key, count, revenue and, for a recomputation, the newest row's ingest time. */
    private Map<String, Figures> read(String sql) {
        Map<String, Figures> out = new HashMap<>();
        for (String line : clickhouse.query(sql).split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t");
            // sum() of an unsigned column wraps: a net figure below zero (never expected) reads back negative.
            out.put(f[0], new Figures(Long.parseUnsignedLong(f[1].startsWith("-") ? f[1].substring(1) : f[1])
                    * (f[1].startsWith("-") ? -1 : 1), new BigDecimal(f[2]), f.length > 3 ? Long.parseLong(f[3]) : 0));
        }
        return out;
    }

    private static List<String> union(Map<String, ?> a, Map<String, ?> b) {
        TreeSet<String> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        return new ArrayList<>(keys);
    }
}
