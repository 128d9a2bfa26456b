package io.orderpipeline.analytics;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;

import io.orderpipeline.platform.ClickHouseConfig;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * MySQL beside ClickHouse: orders and revenue per day of creation, and orders per status. Exact
 * when every line matches; any difference means an order was lost or counted twice (or is still
 * on its way: run it again after the pipeline has caught up).
 */
@Component
public class Reconciliation {

    /** One compared figure: what MySQL says and what ClickHouse says. */
    public record Line(String kind, String key, long mysqlOrders, long clickhouseOrders, BigDecimal mysqlRevenue,
                       BigDecimal clickhouseRevenue) {

        public boolean matches() {
            return mysqlOrders == clickhouseOrders && Objects.equals(norm(mysqlRevenue), norm(clickhouseRevenue));
        }

        private static BigDecimal norm(BigDecimal b) {
            return b == null ? null : b.setScale(2, java.math.RoundingMode.UNNECESSARY);
        }
    }

    public record Report(boolean exact, List<Line> lines) {
    }

    private final JdbcTemplate mysql;
    private final JdbcTemplate clickhouse;

    public Reconciliation(JdbcTemplate mysql, @Qualifier("clickHouseJdbcTemplate") JdbcTemplate clickhouse) {
        this.mysql = mysql;
        this.clickhouse = clickhouse;
    }

    public Report run() {
        List<Line> lines = new ArrayList<>();
        Map<String, Object[]> mysqlDays = byKey(mysql.query(
                "SELECT DATE_FORMAT(created_at, '%Y-%m-%d'), COUNT(*), SUM(total_amount) FROM orders GROUP BY 1",
                (rs, i) -> new Object[] {rs.getString(1), rs.getLong(2), rs.getBigDecimal(3)}));
        Map<String, Object[]> clickhouseDays = byKey(clickhouse.query(
                "SELECT toString(order_date), sum(order_count), toString(sum(total_revenue)) FROM analytics.daily_sales_mv "
                        + "GROUP BY order_date",
                (rs, i) -> new Object[] {rs.getString(1), rs.getLong(2), new BigDecimal(rs.getString(3))}));
        for (String day : union(mysqlDays, clickhouseDays)) {
            Object[] m = mysqlDays.getOrDefault(day, new Object[] {day, 0L, BigDecimal.ZERO});
            Object[] c = clickhouseDays.getOrDefault(day, new Object[] {day, 0L, BigDecimal.ZERO});
            lines.add(new Line("day", day, (Long) m[1], (Long) c[1], (BigDecimal) m[2], (BigDecimal) c[2]));
        }
        Map<String, Object[]> mysqlStatus = byKey(mysql.query("SELECT status, COUNT(*) FROM orders GROUP BY status",
                (rs, i) -> new Object[] {rs.getString(1), rs.getLong(2)}));
        Map<String, Object[]> clickhouseStatus = byKey(clickhouse.query(
                "SELECT status, sum(order_count) FROM analytics.order_status_mv GROUP BY status HAVING sum(order_count) != 0",
                (rs, i) -> new Object[] {rs.getString(1), rs.getLong(2)}));
        for (String status : union(mysqlStatus, clickhouseStatus)) {
            long m = (Long) mysqlStatus.getOrDefault(status, new Object[] {status, 0L})[1];
            long c = (Long) clickhouseStatus.getOrDefault(status, new Object[] {status, 0L})[1];
            lines.add(new Line("status", status, m, c, null, null));
        }
        return new Report(lines.stream().allMatch(Line::matches), lines);
    }

    /** The report as a table for a terminal. */
    public static String table(Report report) {
        StringBuilder out = new StringBuilder(String.format("%-7s %-12s %14s %14s %16s %16s  %s%n", "what", "key",
                "mysql orders", "ch orders", "mysql revenue", "ch revenue", "match"));
        for (Line l : report.lines()) {
            out.append(String.format("%-7s %-12s %14d %14d %16s %16s  %s%n", l.kind(), l.key(), l.mysqlOrders(),
                    l.clickhouseOrders(), l.mysqlRevenue() == null ? "" : l.mysqlRevenue().toPlainString(),
                    l.clickhouseRevenue() == null ? "" : l.clickhouseRevenue().toPlainString(),
                    l.matches() ? "ok" : "DIFFERENT"));
        }
        out.append(report.exact() ? "EXACT: MySQL and ClickHouse agree" : "DIFFERENT: see the lines marked above");
        return out.toString();
    }

    private static Map<String, Object[]> byKey(List<Object[]> rows) {
        Map<String, Object[]> map = new TreeMap<>();
        rows.forEach(r -> map.put((String) r[0], r));
        return map;
    }

    private static TreeSet<String> union(Map<String, ?> a, Map<String, ?> b) {
        TreeSet<String> keys = new TreeSet<>(a.keySet());
        keys.addAll(b.keySet());
        return keys;
    }
}
