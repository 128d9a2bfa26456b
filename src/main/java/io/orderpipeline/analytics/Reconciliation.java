package io.orderpipeline.analytics;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import io.orderpipeline.platform.SqlTime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * MySQL beside ClickHouse, as of a moment both have passed (the pipeline's watermark): orders and
 * revenue per day and per hour of creation (daily_sales_mv, hourly_sales_mv) and orders per status
 * per day of creation (order_status_mv). Every figure is taken as of that moment on both sides, so
 * live traffic neither hides a difference nor invents one:
 * <ul>
 * <li>MySQL: orders created before it; an order changed since had, then, the status its first later
 * change moved it from (the outbox keeps recent events);
 * <li>ClickHouse: each view's figures less what the events since then added (each event once, by
 * event id, from orders_analytics).
 * </ul>
 * An insert is written to the table a moment before its views, one view after the other: ClickHouse
 * is read while no insert into orders_analytics runs (its process list is read in the same query),
 * waiting up to {@link #QUIET_WAIT} for such a moment. A key that differs is compared again, with a
 * new watermark, and reported only when it differs every time.
 */
public class Reconciliation {

    /** One compared figure: what MySQL says and what ClickHouse says. */
    public record Line(String kind, String key, long mysqlOrders, long clickhouseOrders, BigDecimal mysqlRevenue,
                       BigDecimal clickhouseRevenue) {

        public boolean matches() {
            return mysqlOrders == clickhouseOrders && Objects.equals(norm(mysqlRevenue), norm(clickhouseRevenue));
        }

        private static BigDecimal norm(BigDecimal b) {
            return b == null ? null : b.setScale(2, RoundingMode.UNNECESSARY);
        }
    }

    /**
     * @param watermark  the moment compared
     * @param persistent the keys ("kind key") that differed in every read; other lines that do not
     *                   match were changing while being read, and matched in another read
     */
    public record Report(boolean exact, Instant watermark, List<Line> lines, Set<String> persistent) {

        public List<Line> differences() {
            return lines.stream().filter(l -> !l.matches() && persistent.contains(l.kind() + " " + l.key())).toList();
        }
    }

    static final int ATTEMPTS = 3;
    static final Duration QUIET_WAIT = Duration.ofSeconds(5);
    /** The key of the row each ClickHouse query adds: inserts into orders_analytics running as it read. */
    static final String INSERTING = "";
    /** Last in each query: a table's parts are taken as its read is planned, the process list as it runs. */
    static final String INSERTS_RUNNING = "system.processes WHERE replaceAll(lower(query), '`', '') "
            + "LIKE 'insert into analytics.orders_analytics%'";
    /** Where a server refuses its process list (a current ClickHouse, by default, to a user without the grant). */
    private static final String NO_PROCESS_LIST = "system.one WHERE 0";
    private static final Logger log = LoggerFactory.getLogger(Reconciliation.class);

    private final JdbcTemplate mysql;
    private final JdbcTemplate clickhouse;
    private final Supplier<Instant> watermark;
    private final TransactionTemplate snapshot;
    private volatile boolean processListReadable = true;

    public Reconciliation(JdbcTemplate mysql, JdbcTemplate clickhouse, Supplier<Instant> watermark) {
        this.mysql = mysql;
        this.clickhouse = clickhouse;
        this.watermark = watermark;
        this.snapshot = new TransactionTemplate(new DataSourceTransactionManager(Objects.requireNonNull(mysql.getDataSource())));
        snapshot.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        snapshot.setReadOnly(true);
        // Its own transaction, whatever the caller's: a joined one would keep the caller's isolation.
        snapshot.setPropagationBehavior(TransactionDefinition.PROPAGATION_REQUIRES_NEW);
    }

    public Report run() {
        Instant at = asOf();
        List<Line> lines = compare(at);
        Set<String> differing = keys(lines);
        for (int i = 1; i < ATTEMPTS && !differing.isEmpty(); i++) {
            sleep(1000);
            at = asOf();
            lines = compare(at);
            differing.retainAll(keys(lines));
        }
        return new Report(differing.isEmpty(), at, lines, differing);
    }

    /**
     * The watermark down to its millisecond: MySQL keeps microseconds and ClickHouse's event_time_ms
     * milliseconds, so an order created between the start of the watermark's millisecond and the
     * watermark would count on MySQL's side and be taken off ClickHouse's as "since".
     */
    private Instant asOf() {
        return watermark.get().truncatedTo(ChronoUnit.MILLIS);
    }

    private static Set<String> keys(List<Line> lines) {
        Set<String> keys = new HashSet<>();
        lines.stream().filter(l -> !l.matches()).forEach(l -> keys.add(l.kind() + " " + l.key()));
        return keys;
    }

    List<Line> compare(Instant at) {
        String w = SqlTime.param(at);
        long ms = at.toEpochMilli();
        // One snapshot for all of MySQL's reads: an order changed between two of them would count twice.
        Map<String, Map<String, Figure>> mine = snapshot.execute(tx -> Map.of(
                "day", mysqlSales("%Y-%m-%d", w), "hour", mysqlSales("%Y-%m-%d %H:00:00", w), "status", mysqlStatuses(w)));
        Map<String, String> watching = clickHouseQueries(ms, INSERTS_RUNNING);
        Map<String, String> plain = clickHouseQueries(ms, NO_PROCESS_LIST);
        List<Line> lines = new ArrayList<>();
        for (String kind : List.of("day", "hour", "status")) {
            lines.addAll(lines(kind, mine.get(kind), quietRead(watching.get(kind), plain.get(kind))));
        }
        return lines;
    }

    /**
     * ClickHouse's figures read while no insert into orders_analytics runs: one that runs may have
     * written the table and not yet every view, and its events would come off a view that lacks them.
     * After QUIET_WAIT without such a moment (inserts back to back), the last read. Where the process
     * list cannot be read, every read counts as quiet, and a difference it makes is left to run()'s
     * second and third comparison.
     */
    private Map<String, Figure> quietRead(String watching, String plain) {
        long until = System.nanoTime() + QUIET_WAIT.toNanos();
        while (true) {
            Map<String, Figure> figures = readWatchingInserts(watching, plain);
            Figure inserting = figures.remove(INSERTING);
            if (inserting == null || inserting.orders() == 0 || System.nanoTime() > until
                    || Thread.currentThread().isInterrupted()) {
                return figures;
            }
            sleep(ThreadLocalRandom.current().nextLong(10, 50));
        }
    }

    private Map<String, Figure> readWatchingInserts(String watching, String plain) {
        if (processListReadable) {
            try {
                return figures(watching);
            } catch (DataAccessException e) {
                String why = String.valueOf(e.getMostSpecificCause().getMessage());
                if (!why.contains("ACCESS_DENIED") && !why.contains("privileges") && !why.contains("system.processes")) {
                    throw e;
                }
                Map<String, Figure> figures = figures(plain);
                processListReadable = false; // the plain read works: the process list was what failed
                log.warn("ClickHouse refuses system.processes to this user ({}): the reconciliation cannot wait for "
                        + "running inserts, and leaves a read between an insert's table and its views to its second "
                        + "and third comparison. GRANT SELECT ON system.processes to the user to wait for them.",
                        why);
                return figures;
            }
        }
        return figures(plain);
    }

    /** The status view counts orders only: its lines carry no revenue. */
    private static List<Line> lines(String kind, Map<String, Figure> mine, Map<String, Figure> theirs) {
        boolean revenue = !kind.equals("status");
        List<Line> lines = new ArrayList<>();
        for (String key : union(mine, theirs)) {
            Figure m = mine.getOrDefault(key, Figure.ZERO);
            Figure c = theirs.getOrDefault(key, Figure.ZERO);
            if (m.orders() != 0 || c.orders() != 0 || c.revenue().signum() != 0) {
                lines.add(revenue ? new Line(kind, key, m.orders(), c.orders(), m.revenue(), c.revenue())
                        : new Line(kind, key, m.orders(), c.orders(), null, null));
            }
        }
        return lines;
    }

    /** Orders and revenue per day or hour of creation. */
    private Map<String, Figure> mysqlSales(String format, String w) {
        Map<String, Figure> mine = new TreeMap<>();
        mysql.query("SELECT DATE_FORMAT(created_at, '" + format + "'), COUNT(*), SUM(total_amount) FROM orders "
                + "WHERE created_at < ? GROUP BY 1", rs -> {
                    mine.put(rs.getString(1), new Figure(rs.getLong(2), rs.getBigDecimal(3)));
                }, w);
        return mine;
    }

    /** Orders per status per day of creation. */
    private Map<String, Figure> mysqlStatuses(String w) {
        Map<String, Figure> mine = new TreeMap<>();
        mysql.query("SELECT DATE_FORMAT(created_at, '%Y-%m-%d'), status, COUNT(*) FROM orders WHERE created_at < ? "
                + "AND updated_at < ? GROUP BY 1, 2", rs -> {
                    mine.merge(rs.getString(1) + "/" + rs.getString(2), new Figure(rs.getLong(3), BigDecimal.ZERO), Figure::plus);
                }, w, w);
        // Orders changed since: their status then is the one their first later change moved them from.
        Map<String, String> before = new HashMap<>();
        mysql.query("SELECT aggregate_id, JSON_UNQUOTE(JSON_EXTRACT(payload, '$.previousStatus')) FROM outbox "
                + "WHERE aggregate_type = 'Order' AND created_at >= ? ORDER BY id", rs -> {
                    before.putIfAbsent(rs.getString(1), rs.getString(2));
                }, w);
        mysql.query("SELECT id, DATE_FORMAT(created_at, '%Y-%m-%d'), status FROM orders WHERE created_at < ? AND updated_at >= ?",
                rs -> {
                    String status = before.get(rs.getString(1));
                    String then = status == null || status.equals("null") ? rs.getString(3) : status;
                    mine.merge(rs.getString(2) + "/" + then, new Figure(1, BigDecimal.ZERO), Figure::plus);
                }, w, w);
        return mine;
    }

    /**
     * ClickHouse's side as of a moment (epoch ms), per kind (day, hour, status): rows of key, orders,
     * revenue. Each is one query, a view's figures less what the events since added (a status change
     * +1 to its status, -1 to the one before): each table's parts are taken when a query starts, so an
     * insert that lands meanwhile is in both reads or in neither. A row keyed {@link #INSERTING}
     * counts the inserts into orders_analytics running as it read (see quietRead).
     */
    public static Map<String, String> clickHouseQueries(long ms) {
        return clickHouseQueries(ms, INSERTS_RUNNING);
    }

    private static Map<String, String> clickHouseQueries(long ms, String insertsRunning) {
        return Map.of(
                "day", sales("toString(order_date)", "daily_sales_mv", "toString(toDate(created))", ms, insertsRunning),
                "hour", sales("formatDateTime(order_hour, '%Y-%m-%d %H:00:00')", "hourly_sales_mv",
                        "formatDateTime(toStartOfHour(created), '%Y-%m-%d %H:00:00')", ms, insertsRunning),
                "status", "SELECT k, sum(c), '0' FROM (SELECT concat(toString(order_date), '/', status) AS k, "
                        + "toInt64(sum(order_count)) AS c FROM analytics.order_status_mv GROUP BY k UNION ALL "
                        + "SELECT concat(toString(toDate(created)), '/', st) AS k, -toInt64(count()) AS c FROM (" + since(ms)
                        + ") GROUP BY k UNION ALL SELECT concat(toString(toDate(created)), '/', prev) AS k, toInt64(count()) AS c "
                        + "FROM (" + since(ms) + ") WHERE prev != '' GROUP BY k UNION ALL SELECT '" + INSERTING + "' AS k, "
                        + "toInt64(count()) AS c FROM " + insertsRunning + ") GROUP BY k");
    }

    private static String sales(String viewKey, String view, String eventKey, long ms, String insertsRunning) {
        return "SELECT k, sum(c), toString(sum(r)) FROM (SELECT " + viewKey + " AS k, toInt64(sum(order_count)) AS c, "
                + "sum(total_revenue) AS r FROM analytics." + view + " GROUP BY k UNION ALL SELECT " + eventKey + " AS k, "
                + "-toInt64(count()) AS c, -sum(amount) AS r FROM (" + since(ms) + ") WHERE type = 'OrderCreated' GROUP BY k "
                + "UNION ALL SELECT '" + INSERTING + "' AS k, toInt64(count()) AS c, toDecimal128(0, 2) AS r FROM " + insertsRunning
                + ") GROUP BY k";
    }

    /** The events (each once) since the watermark; event_time bounds the read to the sort key's range. */
    private static String since(long ms) {
        return "SELECT event_id, any(event_type) AS type, any(created_at) AS created, any(total_amount) AS amount, "
                + "any(status) AS st, any(previous_status) AS prev FROM analytics.orders_analytics WHERE event_time >= "
                + "toDateTime(" + (ms / 1000) + ") AND event_time_ms >= " + ms + " GROUP BY event_id";
    }

    private Map<String, Figure> figures(String sql) {
        Map<String, Figure> out = new TreeMap<>();
        clickhouse.query(sql, rs -> {
            // Counts are toInt64(sum(...)): a correction's -1 in an unsigned column wraps, and comes back signed.
            out.put(rs.getString(1), new Figure(rs.getLong(2), new BigDecimal(rs.getString(3))));
        });
        return out;
    }

    /** The report as a table for a terminal: every day and every status per day, the hours that differ. */
    public static String table(Report report) {
        StringBuilder out = new StringBuilder("as of " + report.watermark() + " (both sides have passed it)\n");
        out.append(String.format("%-7s %-20s %14s %14s %16s %16s  %s%n", "what", "key", "mysql orders", "ch orders",
                "mysql revenue", "ch revenue", "match"));
        long hours = 0;
        Set<Line> different = new HashSet<>(report.differences());
        for (Line l : report.lines()) {
            if (l.kind().equals("hour") && !different.contains(l)) {
                hours++;
                continue;
            }
            out.append(String.format("%-7s %-20s %14d %14d %16s %16s  %s%n", l.kind(), l.key(), l.mysqlOrders(),
                    l.clickhouseOrders(), l.mysqlRevenue() == null ? "" : l.mysqlRevenue().toPlainString(),
                    l.clickhouseRevenue() == null ? "" : l.clickhouseRevenue().toPlainString(),
                    l.matches() ? "ok" : different.contains(l) ? "DIFFERENT" : "changing (equal in another read)"));
        }
        out.append(String.format("%-7s %-20s %s%n", "hours", hours + " more", "each equal on both sides"));
        out.append(report.exact() ? "EXACT: MySQL and ClickHouse agree"
                : "DIFFERENT: " + different.size() + " key(s), marked above");
        return out.toString();
    }

    private static Set<String> union(Map<String, ?> a, Map<String, ?> b) {
        TreeSet<String> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        return keys;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Figure(long orders, BigDecimal revenue) {
        static final Figure ZERO = new Figure(0, BigDecimal.ZERO);

        Figure plus(Figure other) {
            return new Figure(orders + other.orders, revenue.add(other.revenue));
        }

        Figure negate() {
            return new Figure(-orders, revenue.negate());
        }
    }

}
