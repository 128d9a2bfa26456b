package io.orderpipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.config.YamlPropertiesFactoryBean;
import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.FileSystemResource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * The MySQL schema has two entrances: the app's Flyway migrations and scripts/init-mysql.sql (for
 * docker-compose's MySQL). Both are built side by side on the real MariaDB and must agree.
 */
class MysqlSchemaIT {

    static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    static final String FROM_FLYWAY = "it_schema_flyway_" + SUFFIX;
    static final String FROM_INIT_SCRIPT = "it_schema_init_" + SUFFIX;
    static final JdbcTemplate admin = new JdbcTemplate(LocalStack.mysqlRoot(""));

    static Flyway flyway;

    @BeforeAll
    static void buildBothSchemas() {
        admin.execute("CREATE DATABASE " + FROM_FLYWAY);
        admin.execute("CREATE DATABASE " + FROM_INIT_SCRIPT);
        flyway = Flyway.configure().dataSource(LocalStack.mysqlRoot(FROM_FLYWAY))
                .locations("classpath:db/migration").load();
        flyway.migrate();
        new ResourceDatabasePopulator(new FileSystemResource(LocalStack.projectFile("scripts/init-mysql.sql")))
                .execute(LocalStack.mysqlRoot(FROM_INIT_SCRIPT));
    }

    @AfterAll
    static void dropBoth() {
        admin.execute("DROP DATABASE IF EXISTS " + FROM_FLYWAY);
        admin.execute("DROP DATABASE IF EXISTS " + FROM_INIT_SCRIPT);
    }

    @Test
    void flywayAndInitScriptProduceTheSameTablesColumnsAndIndexes() {
        Map<String, String> fromFlyway = createStatements(FROM_FLYWAY);
        Map<String, String> fromScript = createStatements(FROM_INIT_SCRIPT);

        assertThat(fromFlyway.keySet()).containsExactlyInAnyOrder("orders", "outbox", "outbox_held_orders", "dead_letter_decisions");
        assertThat(fromScript).isEqualTo(fromFlyway);
    }

    @Test
    void initScriptRunsTwiceWithoutError() {
        new ResourceDatabasePopulator(new FileSystemResource(LocalStack.projectFile("scripts/init-mysql.sql")))
                .execute(LocalStack.mysqlRoot(FROM_INIT_SCRIPT));
        assertThat(createStatements(FROM_INIT_SCRIPT)).containsKeys("orders", "outbox");
    }

    @Test
    void flywayBaselineIsTheLastMigrationFoldedIntoTheInitScript() throws Exception {
        YamlPropertiesFactoryBean yaml = new YamlPropertiesFactoryBean();
        yaml.setResources(new ClassPathResource("application.yml"));
        Properties app = yaml.getObject();
        MigrationInfo[] applied = flyway.info().applied();
        String latest = applied[applied.length - 1].getVersion().getVersion();

        assertThat(app.getProperty("spring.flyway.baseline-version")).isEqualTo(latest);
    }

    @Test
    void seedGuideInsertsWorkAndFillEveryOtherColumn() {
        JdbcTemplate db = new JdbcTemplate(LocalStack.mysqlRoot(FROM_INIT_SCRIPT));
        String orderId = UUID.randomUUID().toString();
        // The seed guide's own statements, as a legacy writer would send them.
        db.update("INSERT INTO orders (id, user_id, total_amount, status, shipping_address) "
                + "VALUES (?, 'user-1', 99.99, 'PENDING', '123 Main St')", orderId);
        db.update("INSERT INTO outbox (aggregate_id, aggregate_type, event_type, payload) VALUES (?, 'Order', "
                + "'OrderCreated', JSON_OBJECT('orderId', ?, 'userId', 'user-1', 'totalAmount', 99.99, 'status', 'PENDING'))",
                orderId, orderId);

        Map<String, Object> row = db.queryForMap("SELECT * FROM outbox WHERE aggregate_id = ?", orderId);
        assertThat((String) row.get("event_id")).hasSize(36);
        assertThat(row.get("processed")).isEqualTo(false);
        assertThat(row.get("attempts")).isEqualTo(0);
        assertThat(row.get("created_at")).isNotNull();
        // Not processed yet: the column's default, a slot the relay's mark fills in place (V5).
        assertThat(db.queryForObject("SELECT processed_at = DEFAULT(processed_at) FROM outbox WHERE aggregate_id = ?",
                Boolean.class, orderId)).isTrue();
        Map<String, Object> order = db.queryForMap("SELECT * FROM orders WHERE id = ?", orderId);
        assertThat(order.get("currency")).isEqualTo("USD");
        assertThat(order.get("created_at")).isNotNull();
    }

    @Test
    void theRelaysClaimFindsPendingRowsThroughTheIndexAndHeldOrdersByKeyNotAScan() throws Exception {
        JdbcTemplate db = new JdbcTemplate(LocalStack.mysqlRoot(FROM_FLYWAY));
        String claim = new ClassPathResource("sql/outbox/claim.sql").getContentAsString(java.nio.charset.StandardCharsets.UTF_8)
                .lines().filter(l -> !l.trim().startsWith("--")).collect(java.util.stream.Collectors.joining("\n"))
                .replace(":#limit", "500");
        List<Map<String, Object>> plan = db.queryForList("EXPLAIN " + claim);
        assertThat(plan).hasSize(2);
        assertThat(plan.get(0).get("table")).isEqualTo("o");
        assertThat(plan.get(0).get("key")).isEqualTo("idx_outbox_pending");
        assertThat(String.valueOf(plan.get(0).get("Extra"))).doesNotContain("filesort");
        assertThat(plan.get(1).get("table")).isEqualTo("h");
        assertThat(plan.get(1).get("key")).isEqualTo("PRIMARY");
    }

    private static Map<String, String> createStatements(String database) {
        Map<String, String> tables = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(admin.queryForList(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = ? "
                        + "AND table_name <> 'flyway_schema_history' ORDER BY table_name", String.class, database));
        for (String name : names) {
            String ddl = admin.queryForMap("SHOW CREATE TABLE " + database + "." + name).get("Create Table").toString();
            tables.put(name, ddl.replaceAll(" AUTO_INCREMENT=\\d+", ""));
        }
        return tables;
    }
}
