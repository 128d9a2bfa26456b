package io.orderpipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

import io.orderpipeline.sink.ClickHouseBlockWriter;
import io.orderpipeline.sink.SinkBlock;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The ClickHouse schema's migrations on a stack an earlier version made (scripts/init-clickhouse.sql
 * with rows in it), on Debian's 18.16 and on a current ClickHouse (chdb 26.x): nothing lost, nothing
 * counted twice, and on the current one, a block the sink inserts again after a view failed on it
 * lands exactly once in the table and in every view. Each runs in a scratch database (the runner's
 * "analytics" renamed), so the local stack's own is left alone.
 */
class ClickHouseMigrationsIT {

    final String db = "analytics_mig_" + UUID.randomUUID().toString().substring(0, 8);
    final ClickHouseHttp admin = LocalStack.clickHouseAdminHttp();

    @AfterEach
    void drop() {
        admin.execute("DROP DATABASE IF EXISTS " + db);
    }

    @Test
    void aStackMadeByTheEarlierVersionMovesOnOn18WithEveryRowAndFigureKept() throws Exception {
        for (String statement : ClickHouseSchema.statements(oldSchema())) {
            admin.execute(statement);
        }
        events().forEach(admin::execute);
        String before = figures(admin::query);

        // An earlier start added migration 3's column and died before recording the migration.
        admin.execute(renamed("ALTER TABLE analytics.orders_analytics ADD COLUMN sink_block String DEFAULT '' AFTER kafka_offset"));

        ClickHouseSchema schema = schema();
        int[] version = admin.version();
        schema.applyTo(renamed(admin::query), sql -> admin.execute(renamed(sql)), version);
        schema.applyTo(renamed(admin::query), sql -> admin.execute(renamed(sql)), version); // and again: nothing more

        assertThat(figures(admin::query)).isEqualTo(before);
        assertThat(admin.query("SELECT DISTINCT version FROM " + db + ".schema_migrations ORDER BY version"))
                .as("18.16: the de-duplication windows (2) are left out").isEqualTo("1\n3\n");
        assertThat(admin.query("SELECT count() FROM system.columns WHERE database = '" + db
                + "' AND table = 'orders_analytics' AND name = 'sink_block'").strip()).isEqualTo("1");
        assertThat(admin.query("SELECT count() FROM " + db + ".schema_migrations").strip()).isEqualTo("2");
        assertThat(schema.deduplicatesInserts()).isFalse();
    }

    @Test
    void onACurrentClickHouseTheMigrationsKeepEveryRowAndARetriedBlockCountsOnceInTheTableAndEveryView() throws Exception {
        ChdbSession chdb = new ChdbSession(Files.createTempDirectory("chdb-migrations-"));
        chdb.execute(oldSchema());
        events().forEach(chdb::execute);
        String before = figures(chdb::query);

        ClickHouseSchema schema = schema();
        int[] version = ClickHouseHttp.parseVersion(chdb.query("SELECT version()"));
        schema.applyTo(renamed(chdb::query), sql -> chdb.execute(renamed(sql)), version);

        assertThat(figures(chdb::query)).isEqualTo(before);
        assertThat(chdb.query("SELECT DISTINCT version FROM " + db + ".schema_migrations ORDER BY version")).isEqualTo("1\n2\n3\n");
        assertThat(schema.deduplicatesInserts()).isTrue();
        for (String table : chdb.query("SELECT name FROM system.tables WHERE database = '" + db
                + "' AND (name = 'orders_analytics' OR name LIKE '.inner%')").strip().split("\n")) {
            assertThat(chdb.query("SHOW CREATE TABLE " + db + ".`" + table + "`")).as(table)
                    .contains("non_replicated_deduplication_window = 100000");
        }

        // A view that fails once: the first insert writes the table (and the views before it), then fails.
        chdb.execute("CREATE TABLE " + db + ".fail_switch (on UInt8) ENGINE = MergeTree ORDER BY on");
        chdb.execute("INSERT INTO " + db + ".fail_switch VALUES (1)");
        // Like every view of the schema, with a de-duplication window of its own (without one, a
        // view counts a block each time it arrives).
        chdb.execute("CREATE MATERIALIZED VIEW " + db + ".fail_once_mv ENGINE = SummingMergeTree ORDER BY order_date "
                + "SETTINGS non_replicated_deduplication_window = 100000 AS "
                + "SELECT toDate(created_at) AS order_date, count() AS order_count FROM " + db + ".orders_analytics "
                + "WHERE throwIf(length(order_id) > 0 AND (SELECT count() FROM " + db + ".fail_switch) > 0, 'fails once') = 0 "
                + "GROUP BY order_date");
        String token = new SinkBlock("analytics.orders", 4, "k3x9", 100, 101, false, List.of()).token();
        String block = "INSERT INTO " + db + ".orders_analytics SETTINGS " + ClickHouseBlockWriter.settings(token, true).entrySet()
                .stream().filter(e -> !e.getKey().equals("query_id")).map(e -> e.getKey() + " = '" + e.getValue() + "'")
                .collect(Collectors.joining(", ")) + " FORMAT JSONEachRow\n" + row("x1", "30.00", 100, token) + "\n"
                + row("x2", "12.50", 101, token);
        assertThatThrownBy(() -> chdb.execute(block)).hasMessageContaining("fails once");
        chdb.execute("TRUNCATE TABLE " + db + ".fail_switch");

        chdb.execute(block);    // the sink's retry of the same block
        chdb.execute(block);    // and a copy that arrives late: dropped everywhere

        // Before: o1, o2, o4 (130.75; o1 then PAID). The block adds x1 and x2 (42.50), once everywhere.
        assertThat(chdb.query("SELECT count() FROM " + db + ".orders_analytics")).isEqualTo("6\n");
        assertThat(chdb.query("SELECT sum(order_count), sum(total_revenue) FROM " + db + ".daily_sales_mv")).isEqualTo("5\t173.25\n");
        assertThat(chdb.query("SELECT sum(order_count), sum(total_revenue) FROM " + db + ".hourly_sales_mv")).isEqualTo("5\t173.25\n");
        assertThat(chdb.query("SELECT status, sum(order_count) FROM " + db + ".order_status_mv GROUP BY status ORDER BY status"))
                .isEqualTo("PAID\t1\nPENDING\t4\n");
        assertThat(chdb.query("SELECT sum(order_count) FROM " + db + ".fail_once_mv")).as("the view that failed once").isEqualTo("2\n");
    }

    // ---- the data of an earlier version's stack ----

    String oldSchema() throws IOException {
        return renamed(Files.readString(LocalStack.projectFile("scripts/init-clickhouse.sql")));
    }

    /** Rows as the earlier sink wrote them (no sink_block), today and three days ago. */
    List<String> events() {
        List<String> out = new ArrayList<>();
        String[][] rows = {{"o1", "10.50", "OrderCreated", "PENDING", "", "now() - 60"},
            {"o2", "20.25", "OrderCreated", "PENDING", "", "now() - 60"},
            {"o1", "10.50", "OrderStatusChanged", "PAID", "PENDING", "now() - 30"},
            {"o4", "100.00", "OrderCreated", "PENDING", "", "now() - 3 * 86400"}};
        for (String[] r : rows) {
            out.add("INSERT INTO " + db + ".orders_analytics (event_id, event_type, order_id, user_id, total_amount, status, "
                    + "previous_status, created_at, event_time) SELECT generateUUIDv4(), '" + r[2] + "', '" + r[0] + "', 'u', "
                    + r[1] + ", '" + r[3] + "', '" + r[4] + "', " + r[5] + ", " + r[5]);
        }
        return out;
    }

    String row(String order, String amount, long offset, String token) {
        return "{\"event_id\":\"" + UUID.randomUUID() + "\",\"event_type\":\"OrderCreated\",\"order_id\":\"" + order
                + "\",\"user_id\":\"u\",\"total_amount\":" + amount + ",\"currency\":\"USD\",\"status\":\"PENDING\","
                + "\"previous_status\":\"\",\"created_at\":\"" + nowText() + "\",\"event_time\":\"" + nowText()
                + "\",\"kafka_partition\":4,\"kafka_offset\":" + offset + ",\"sink_block\":\"" + token + "\"}";
    }

    private static String nowText() {
        return java.time.LocalDateTime.now(java.time.ZoneOffset.UTC).format(java.time.format.DateTimeFormatter.ofPattern(
                "yyyy-MM-dd HH:mm:ss"));
    }

    /** Every figure a view holds and the table's row count, as text to compare before and after. */
    String figures(UnaryOperator<String> query) {
        return query.apply("SELECT 'rows', toString(count()), '' FROM " + db + ".orders_analytics") + query.apply(
                "SELECT 'day', toString(order_date), toString(sum(order_count)) FROM " + db + ".daily_sales_mv GROUP BY order_date "
                        + "ORDER BY order_date") + query.apply("SELECT 'hour', toString(order_hour), toString(sum(order_count)) FROM "
                        + db + ".hourly_sales_mv GROUP BY order_hour ORDER BY order_hour") + query.apply("SELECT 'status', "
                        + "concat(toString(order_date), status), toString(sum(order_count)) FROM " + db + ".order_status_mv "
                        + "GROUP BY order_date, status ORDER BY order_date, status");
    }

    UnaryOperator<String> renamed(UnaryOperator<String> query) {
        return sql -> query.apply(renamed(sql));
    }

    String renamed(String sql) {
        return sql.replaceAll("\\banalytics\\b", db);
    }

    static ClickHouseSchema schema() {
        return new ClickHouseSchema(null, new ClickHouseProperties(null, null, null, null, true,
                "classpath:db/clickhouse/init-clickhouse.sql", "classpath:db/clickhouse/migrations/V*.sql", null, null));
    }

    /**
     * A chdb session kept in a folder: statements wait until the next query, which runs them with it
     * in one process (each process loads the whole engine).
     */
    static final class ChdbSession {
        private final Path dir;
        private final StringBuilder pending = new StringBuilder();

        ChdbSession(Path dir) {
            this.dir = dir;
        }

        void execute(String sql) {
            pending.append(sql.strip().replaceAll(";$", "")).append(";\n");
            if (sql.contains("throwIf") || sql.startsWith("INSERT INTO") && sql.contains("FORMAT JSONEachRow")) {
                query("SELECT 1"); // run it now: the caller expects its failure here
            }
        }

        String query(String sql) {
            String script = pending + "SELECT '#result';\n" + sql.strip().replaceAll(";$", "") + ";\n";
            pending.setLength(0);
            try {
                String out = Chdb.run(dir, script);
                return out.substring(out.indexOf("#result\n") + "#result\n".length());
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
