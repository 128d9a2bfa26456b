package io.orderpipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.orderpipeline.analytics.Reconciliation;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * scripts/init-clickhouse.sql on Debian's ClickHouse 18.16 (the local server) and on a current
 * ClickHouse (chdb): the spec's objects and columns exist, and the seed guide's four Grafana
 * queries give the right numbers for a known set of events. Runs in a scratch database so the
 * local stack's own "analytics" is left alone.
 */
class ClickHouseSchemaIT {

    static final String DB = "analytics_it_" + UUID.randomUUID().toString().substring(0, 8);
    static final JdbcTemplate clickhouse = new JdbcTemplate(LocalStack.clickHouse());
    static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    static final LocalDateTime NOW = LocalDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS);

    /** The seed guide's queries, verbatim apart from Grafana's macro (expanded as the plugin does). */
    static final String DAILY_REVENUE = """
            SELECT
                toDateTime(order_date) as time,
                total_revenue as value
            FROM analytics.daily_sales_mv
            WHERE $__timeFilter(order_date)
            ORDER BY order_date""";
    static final String ORDERS_TODAY = """
            SELECT sum(order_count) as value
            FROM analytics.daily_sales_mv
            WHERE order_date = today()""";
    static final String HOURLY_TREND = """
            SELECT
                toHour(order_hour) as hour,
                sum(order_count) as orders
            FROM analytics.hourly_sales_mv
            WHERE order_hour >= now() - INTERVAL 24 HOUR
            GROUP BY hour
            ORDER BY hour""";
    static final String STATUS_DISTRIBUTION = """
            SELECT
                status as label,
                sum(order_count) as value
            FROM analytics.order_status_mv
            WHERE order_date >= today() - INTERVAL 7 DAY
            GROUP BY status""";

    static String schema;

    @BeforeAll
    static void createSchemaTwice() throws IOException {
        schema = inScratchDb(Files.readString(LocalStack.projectFile("scripts/init-clickhouse.sql")));
        for (int i = 0; i < 2; i++) { // the second run proves it is idempotent
            for (String statement : ClickHouseSchema.statements(schema)) {
                clickhouse.execute(statement);
            }
        }
        for (String insert : events()) {
            clickhouse.execute(insert);
        }
    }

    @AfterAll
    static void drop() {
        clickhouse.execute("DROP DATABASE IF EXISTS " + DB);
    }

    @Test
    void specObjectsHaveTheSpecColumns() {
        assertThat(columns("orders_analytics")).contains("event_id", "event_type", "order_id", "user_id",
                "total_amount", "status", "previous_status", "created_at", "event_time");
        assertThat(columns("daily_sales_mv")).containsExactly("order_date", "order_count", "total_revenue");
        assertThat(columns("hourly_sales_mv")).containsExactly("order_hour", "order_count", "total_revenue");
        assertThat(columns("order_status_mv")).containsExactly("order_date", "status", "order_count");
    }

    @Test
    void seedQueriesGiveTheRightNumbersOnClickHouse18() {
        // 18.16 compares a Date with a DateTime as raw numbers, so the plugin's $__timeFilter on the
        // Date column order_date selects nothing there; the dashboards use $__dateFilter, which both
        // versions evaluate correctly. The verbatim query is checked on chdb below.
        String daily = DAILY_REVENUE.replace("$__timeFilter(order_date)", dateFilter("order_date"));
        assertDailyRevenue(rows(daily));
        assertThat(rows(DAILY_REVENUE.replace("$__timeFilter(order_date)", timeFilter("order_date"))))
                .as("the verbatim query runs on 18.16 too").isNotNull();
        assertOrdersToday(rows(ORDERS_TODAY));
        assertHourlyTrend(rows(HOURLY_TREND));
        assertStatusDistribution(rows(STATUS_DISTRIBUTION));
    }

    @Test
    void schemaAndSeedQueriesGiveTheSameNumbersOnCurrentClickHouse() throws Exception {
        List<String> queries = List.of(DAILY_REVENUE.replace("$__timeFilter(order_date)", timeFilter("order_date")),
                ORDERS_TODAY, HOURLY_TREND, STATUS_DISTRIBUTION);
        StringBuilder script = new StringBuilder(schema).append('\n');
        events().forEach(e -> script.append(e).append(";\n"));
        for (int i = 0; i < queries.size(); i++) {
            script.append("SELECT '#query ").append(i).append("';\n").append(inScratchDb(queries.get(i))).append(";\n");
        }
        Map<Integer, List<List<String>>> results = sections(Chdb.run(script.toString()));

        assertDailyRevenue(results.get(0));
        assertOrdersToday(results.get(1));
        assertHourlyTrend(results.get(2));
        assertStatusDistribution(results.get(3));
    }

    @Test
    void everyGrafanaPanelGivesTheRightNumbersOnClickHouse18AndOnCurrentClickHouse() throws Exception {
        List<String> panels = grafanaPanels();
        assertThat(panels).hasSize(7);
        StringBuilder script = new StringBuilder(schema).append('\n');
        events().forEach(e -> script.append(e).append(";\n"));
        for (int i = 0; i < panels.size(); i++) {
            String sql = inScratchDb(grafanaMacros(panels.get(i)));
            assertPanel(i, rows(sql));
            script.append("SELECT '#query ").append(i).append("';\n").append(sql).append(";\n");
        }
        Map<Integer, List<List<String>>> chdb = sections(Chdb.run(script.toString()));
        for (int i = 0; i < panels.size(); i++) {
            assertPanel(i, chdb.get(i));
        }
    }

    @Test
    void theReconciliationsQueriesTakeTheEventsSinceOffTheViewsOnClickHouse18AndOnCurrentClickHouse() throws Exception {
        // As of a day ago: today's three orders and two status changes are "since", and come off.
        long dayAgo = NOW.minusDays(1).toInstant(ZoneOffset.UTC).toEpochMilli();
        Map<String, String> queries = Reconciliation.clickHouseQueries(dayAgo);
        List<String> kinds = List.of("day", "hour", "status");
        StringBuilder script = new StringBuilder(schema).append('\n');
        events().forEach(e -> script.append(e).append(";\n"));
        for (int i = 0; i < kinds.size(); i++) {
            script.append("SELECT '#query ").append(i).append("';\n").append(inScratchDb(queries.get(kinds.get(i)))).append(";\n");
        }
        Map<Integer, List<List<String>>> chdb = sections(Chdb.run(script.toString()));

        String threeDaysAgo = NOW.minusDays(3).toLocalDate().toString();
        String tenDaysAgo = NOW.minusDays(10).toLocalDate().toString();
        for (var engine : Map.of("18.16", List.of(rows(queries.get("day")), rows(queries.get("hour")), rows(queries.get("status"))),
                "chdb", List.of(chdb.get(0), chdb.get(1), chdb.get(2))).entrySet()) {
            assertThat(nonZero(engine.getValue().get(0))).as("days on " + engine.getKey())
                    .containsExactlyInAnyOrderEntriesOf(Map.of(threeDaysAgo, "1 100.00", tenDaysAgo, "1 7.77"));
            assertThat(nonZero(engine.getValue().get(1)).values()).as("hours on " + engine.getKey())
                    .containsExactlyInAnyOrder("1 100.00", "1 7.77");
            assertThat(nonZero(engine.getValue().get(2))).as("statuses on " + engine.getKey())
                    .containsExactlyInAnyOrderEntriesOf(Map.of(threeDaysAgo + "/SHIPPED", "1 0.00", tenDaysAgo + "/PENDING", "1 0.00"));
        }
    }

    /** key → "orders revenue" for the rows whose figures are not zero. */
    static Map<String, String> nonZero(List<List<String>> rows) {
        Map<String, String> out = new LinkedHashMap<>();
        // The row keyed "" counts inserts running on the server (other tests' too): not a figure.
        rows.stream().filter(r -> !r.get(0).isEmpty())
                .filter(r -> Long.parseLong(r.get(1)) != 0 || new BigDecimal(r.get(2)).signum() != 0)
                .forEach(r -> out.put(r.get(0), r.get(1) + " " + new BigDecimal(r.get(2)).setScale(2)));
        return out;
    }

    /** The panels' SQL, in panel order, from the dashboard Grafana provisions. */
    static List<String> grafanaPanels() throws IOException {
        var dashboard = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                LocalStack.projectFile("grafana/provisioning/dashboards/e-commerce-orders.json").toFile());
        assertThat(dashboard.get("title").asText()).isEqualTo("E-Commerce Orders");
        List<String> sql = new ArrayList<>();
        dashboard.get("panels").forEach(p -> {
            // Prometheus panels (the Pipeline row) are checked against the app's scrape by AlertRulesIT; rows have no targets.
            if (!"prometheus".equals(p.path("datasource").path("uid").asText())) {
                p.path("targets").forEach(t -> sql.add(t.get("rawSql").asText()));
            }
        });
        return sql;
    }

    /** Expands the ClickHouse plugin's macros as the plugin does, for a 30-day range ending now. */
    static String grafanaMacros(String sql) {
        long from = NOW.minusDays(30).toEpochSecond(ZoneOffset.UTC);
        long to = NOW.plusHours(1).toEpochSecond(ZoneOffset.UTC);
        return sql.replaceAll("\\$__timeFilter\\((\\w+)\\)", "$1 >= toDateTime(" + from + ") AND $1 <= toDateTime(" + to + ")")
                .replaceAll("\\$__dateFilter\\((\\w+)\\)", dateFilter("$1"))
                .replace("$__fromTime", "toDateTime(" + from + ")")
                .replace("$__toTime", "toDateTime(" + to + ")");
    }

    static void assertPanel(int panel, List<List<String>> rows) {
        switch (panel) {
            case 0 -> assertThat(rows).as("orders today").containsExactly(List.of("3"));
            case 1 -> assertThat(new BigDecimal(rows.get(0).get(0))).as("revenue today").isEqualByComparingTo("35.75");
            case 2 -> assertThat(Double.parseDouble(rows.get(0).get(0))).as("average order value")
                    .isCloseTo(35.75 / 3, org.assertj.core.data.Offset.offset(0.001));
            case 3 -> assertThat(Double.parseDouble(rows.get(0).get(0))).as("freshness in seconds").isBetween(0.0, 3600.0);
            case 4 -> {
                assertDailyRevenue(rows.stream().map(r -> List.of(r.get(0), r.get(1))).toList());
                assertThat(rows.stream().mapToLong(r -> Long.parseLong(r.get(2))).sum()).as("orders in range").isEqualTo(5);
            }
            case 5 -> assertThat(rows.stream().mapToLong(r -> Long.parseLong(r.get(1))).sum()).as("orders, last 24 h").isEqualTo(3);
            case 6 -> {
                Map<String, Long> byStatus = new LinkedHashMap<>();
                rows.forEach(r -> byStatus.put(r.get(0), Long.parseLong(r.get(1))));
                assertThat(byStatus).as("statuses of orders created in range").containsExactlyInAnyOrderEntriesOf(
                        Map.of("PENDING", 2L, "PAID", 1L, "CANCELLED", 1L, "SHIPPED", 1L));
            }
            default -> throw new AssertionError("no expectation for panel " + panel);
        }
    }

    // The data set: orders o1-o3 today, o4 three days ago, o5 ten days ago, and status changes.
    static List<String> events() {
        String today = TS.format(NOW.minusSeconds(30));
        String threeDaysAgo = TS.format(NOW.minusDays(3));
        String tenDaysAgo = TS.format(NOW.minusDays(10));
        return List.of(
                event("OrderCreated", "o1", "10.50", "PENDING", "", today),
                event("OrderCreated", "o2", "20.25", "PENDING", "", today),
                event("OrderCreated", "o3", "5.00", "PENDING", "", today),
                event("OrderStatusChanged", "o1", "10.50", "PAID", "PENDING", today),
                event("OrderStatusChanged", "o2", "20.25", "CANCELLED", "PENDING", today),
                event("OrderCreated", "o4", "100.00", "PENDING", "", threeDaysAgo),
                event("OrderStatusChanged", "o4", "100.00", "PAID", "PENDING", threeDaysAgo),
                event("OrderStatusChanged", "o4", "100.00", "SHIPPED", "PAID", threeDaysAgo),
                event("OrderCreated", "o5", "7.77", "PENDING", "", tenDaysAgo));
    }

    static void assertDailyRevenue(List<List<String>> rows) {
        // Without sum() the view may return a day in several partial rows: add them up per day.
        Map<String, BigDecimal> perDay = new LinkedHashMap<>();
        rows.forEach(r -> perDay.merge(r.get(0).substring(0, 10), new BigDecimal(r.get(1)).setScale(2), BigDecimal::add));
        assertThat(perDay).containsExactlyInAnyOrderEntriesOf(Map.of(
                NOW.minusSeconds(30).toLocalDate().toString(), new BigDecimal("35.75"),
                NOW.minusDays(3).toLocalDate().toString(), new BigDecimal("100.00"),
                NOW.minusDays(10).toLocalDate().toString(), new BigDecimal("7.77")));
    }

    static void assertOrdersToday(List<List<String>> rows) {
        assertThat(rows).containsExactly(List.of("3"));
    }

    static void assertHourlyTrend(List<List<String>> rows) {
        assertThat(rows.stream().mapToLong(r -> Long.parseLong(r.get(1))).sum()).isEqualTo(3);
    }

    static void assertStatusDistribution(List<List<String>> rows) {
        Map<String, Long> byStatus = new LinkedHashMap<>();
        rows.forEach(r -> byStatus.put(r.get(0), Long.parseLong(r.get(1))));
        byStatus.values().removeIf(v -> v == 0);
        assertThat(byStatus).containsExactlyInAnyOrderEntriesOf(
                Map.of("PENDING", 1L, "PAID", 1L, "CANCELLED", 1L, "SHIPPED", 1L));
    }

    static String event(String type, String order, String amount, String status, String previous, String at) {
        return "INSERT INTO " + DB + ".orders_analytics (event_id, event_type, order_id, user_id, total_amount, "
                + "status, previous_status, created_at, event_time) VALUES ('" + UUID.randomUUID() + "', '" + type
                + "', '" + order + "', 'user-1', " + amount + ", '" + status + "', '" + previous + "', '" + at
                + "', '" + at + "')";
    }

    static String timeFilter(String column) {
        long from = NOW.minusDays(30).toEpochSecond(ZoneOffset.UTC);
        long to = NOW.plusHours(1).toEpochSecond(ZoneOffset.UTC);
        return column + " >= toDateTime(" + from + ") AND " + column + " <= toDateTime(" + to + ")";
    }

    static String dateFilter(String column) {
        return column + " >= toDate('" + NOW.minusDays(30).toLocalDate() + "') AND " + column + " <= toDate('"
                + NOW.plusHours(1).toLocalDate() + "')";
    }

    static String inScratchDb(String sql) {
        return sql.replaceAll("\\banalytics\\b", DB);
    }

    static List<String> columns(String table) {
        return clickhouse.queryForList("SELECT name FROM system.columns WHERE database = ? AND table = ?",
                String.class, DB, table);
    }

    static List<List<String>> rows(String sql) {
        return clickhouse.query(inScratchDb(sql), (rs, i) -> {
            List<String> row = new ArrayList<>();
            for (int c = 1; c <= rs.getMetaData().getColumnCount(); c++) {
                row.add(rs.getString(c));
            }
            return row;
        });
    }

    static Map<Integer, List<List<String>>> sections(String output) {
        Map<Integer, List<List<String>>> result = new LinkedHashMap<>();
        List<List<String>> current = null;
        for (String line : output.split("\n")) {
            if (line.startsWith("#query ")) {
                current = new ArrayList<>();
                result.put(Integer.parseInt(line.substring(7).trim()), current);
            } else if (current != null && !line.isBlank()) {
                current.add(Arrays.asList(line.split("\t")));
            }
        }
        return result;
    }
}
