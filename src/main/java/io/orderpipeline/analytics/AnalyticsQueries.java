package io.orderpipeline.analytics;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

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

    /** GET /api/analytics/daily-sales */
    public record DailySales(List<DaySales> days) {
    }

    /** GET /api/analytics/hourly-orders */
    public record HourlyOrders(List<HourSales> hours) {
    }

    /** GET /api/analytics/status-distribution */
    public record StatusDistribution(List<StatusCount> statuses) {
    }

    /** GET /api/analytics/summary: today's orders and revenue, and how fresh ClickHouse is. */
    public record Summary(
            @Schema(example = "2026-11-26") String date,
            long ordersToday,
            BigDecimal revenueToday,
            BigDecimal averageOrderValue,
            @Schema(description = "When the newest event in ClickHouse happened; null when there is none", nullable = true)
            String newestEventAt,
            @Schema(description = "Now minus newestEventAt, in milliseconds; null when there is no event", nullable = true)
            Long freshnessMs) {
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
    public Summary summary() {
        record Today(String date, long orders, BigDecimal revenue) {
        }
        Today today = clickhouse.queryForObject("SELECT toString(today()), sum(order_count), "
                        + "toString(sum(total_revenue)) FROM analytics.daily_sales_mv WHERE order_date = today()",
                (rs, i) -> new Today(rs.getString(1), rs.getLong(2), new BigDecimal(rs.getString(3))));
        BigDecimal average = today.orders() == 0 ? BigDecimal.ZERO
                : today.revenue().divide(BigDecimal.valueOf(today.orders()), 2, RoundingMode.HALF_UP);
        Long newest = clickhouse.queryForObject("SELECT max(event_time_ms) FROM analytics.orders_analytics", Long.class);
        boolean any = newest != null && newest > 0;
        // Freshness: how long ago the newest event in ClickHouse happened.
        return new Summary(today.date(), today.orders(), today.revenue(), average,
                any ? java.time.Instant.ofEpochMilli(newest).toString() : null,
                any ? Math.max(0, System.currentTimeMillis() - newest) : null);
    }
}
