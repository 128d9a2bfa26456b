package io.orderpipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;


import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The app's ClickHouse login (CLICKHOUSE_APP_USER) reaches the analytics database and nothing else. */
class ClickHouseAccessIT {

    static final String BASE = "http://" + LocalStack.env("CLICKHOUSE_HOST", "127.0.0.1") + ":"
            + LocalStack.env("CLICKHOUSE_HTTP_PORT", "8123");
    static final ClickHouseHttp admin = login(LocalStack.env("CLICKHOUSE_USER", "admin"), LocalStack.env("CLICKHOUSE_PASSWORD", "test123"));
    static final ClickHouseHttp app = login(LocalStack.env("CLICKHOUSE_APP_USER", "pipeline"),
            LocalStack.env("CLICKHOUSE_APP_PASSWORD", "pipeline123"));

    static ClickHouseHttp login(String user, String password) {
        return new ClickHouseHttp(new ClickHouseProperties(null, BASE, user, password, false, null, null));
    }

    @BeforeAll
    static void somethingOutsideAnalytics() {
        admin.query("CREATE TABLE IF NOT EXISTS default.it_private (secret String) ENGINE = Memory");
    }

    @AfterAll
    static void dropIt() {
        admin.query("DROP TABLE IF EXISTS default.it_private");
    }

    @Test
    void theAppsLoginReadsAndWritesAnalytics() {
        assertThat(app.query("SELECT count() FROM analytics.orders_analytics").trim()).matches("\\d+");
        assertThat(app.query("EXISTS TABLE analytics.daily_sales_mv").trim()).isEqualTo("1");
    }

    @Test
    void theAppsLoginCannotReachOtherDatabases() {
        assertThatThrownBy(() -> app.query("SELECT * FROM default.it_private")).isInstanceOf(ClickHouseRefusedException.class);
        assertThatThrownBy(() -> app.query("DROP TABLE default.it_private")).isInstanceOf(ClickHouseRefusedException.class);
        assertThatThrownBy(() -> app.query("CREATE DATABASE it_elsewhere")).isInstanceOf(ClickHouseRefusedException.class);
        assertThat(admin.query("EXISTS TABLE default.it_private").trim()).isEqualTo("1");
    }
}
