package io.orderpipeline.analytics;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The dashboard's numbers, read from ClickHouse's summing views with sum() ... GROUP BY (their raw
 * rows are partial until ClickHouse merges them).
 */
@Component
public class AnalyticsQueries {

    public record DaySales(String date, long orders, BigDecimal revenue) {
    }

    public record HourSales(String hour, long orders, BigDecimal revenue) {
    }

    public record StatusCount(String status, long orders) {
    }

    private final JdbcTemplate clickhouse;

    public AnalyticsQueries(@Qualifier("clickHouseJdbcTemplate") JdbcTemplate clickhouse) {
        this.clickhouse = clickhouse;
    }

    public List<DaySales> dailySales(int days) {
        return clickhouse.query("SELECT toString(order_date), sum(order_count), toString(sum(total_revenue)) "
                        + "FROM analytics.daily_sales_mv WHERE order_date > today() - " + days
                        + " GROUP BY order_date ORDER BY order_date",
                (rs, i) -> new DaySales(rs.getString(1), rs.getLong(2), new BigDecimal(rs.getString(3))));
    }

    public List<HourSales> hourlyOrders(int hours) {
        return clickhouse.query("SELECT formatDateTime(order_hour, '%Y-%m-%dT%H:00:00Z'), sum(order_count), "
                        + "toString(sum(total_revenue)) FROM analytics.hourly_sales_mv "
                        + "WHERE order_hour > now() - INTERVAL " + hours + " HOUR GROUP BY order_hour ORDER BY order_hour",
                (rs, i) -> new HourSales(rs.getString(1), rs.getLong(2), new BigDecimal(rs.getString(3))));
    }

    /** @param days 0 for all time, else orders created in the last N days */
    public List<StatusCount> statusDistribution(int days) {
        return clickhouse.query("SELECT status, sum(order_count) AS orders FROM analytics.order_status_mv"
                        + (days > 0 ? " WHERE order_date > today() - " + days : "")
                        + " GROUP BY status HAVING orders != 0 ORDER BY status",
                (rs, i) -> new StatusCount(rs.getString(1), rs.getLong(2)));
    }

    /** Today's orders and revenue, average order value, and how fresh ClickHouse is. */
    public Map<String, Object> summary() {
        Map<String, Object> today = clickhouse.queryForObject("SELECT toString(today()), sum(order_count), "
                + "toString(sum(total_revenue)) FROM analytics.daily_sales_mv WHERE order_date = today()", (rs, i) -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("date", rs.getString(1));
                    m.put("ordersToday", rs.getLong(2));
                    m.put("revenueToday", new BigDecimal(rs.getString(3)));
                    return m;
                });
        long orders = (Long) today.get("ordersToday");
        BigDecimal revenue = (BigDecimal) today.get("revenueToday");
        today.put("averageOrderValue", orders == 0 ? BigDecimal.ZERO : revenue.divide(BigDecimal.valueOf(orders), 2,
                RoundingMode.HALF_UP));
        Long newest = clickhouse.queryForObject("SELECT max(event_time_ms) FROM analytics.orders_analytics", Long.class);
        boolean any = newest != null && newest > 0;
        today.put("newestEventAt", any ? java.time.Instant.ofEpochMilli(newest).toString() : null);
        // Freshness: how long ago the newest event in ClickHouse happened.
        today.put("freshnessMs", any ? Math.max(0, System.currentTimeMillis() - newest) : null);
        return today;
    }
}
