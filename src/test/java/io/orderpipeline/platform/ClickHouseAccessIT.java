package io.orderpipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;


import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The app's ClickHouse login (CLICKHOUSE_APP_USER) reaches the analytics database and nothing else. */
class ClickHouseAccessIT {

    static final ClickHouseHttp admin = LocalStack.clickHouseAdminHttp();
    static final ClickHouseHttp app = LocalStack.clickHouseHttp(LocalStack.env("CLICKHOUSE_APP_USER", "pipeline"),
            LocalStack.env("CLICKHOUSE_APP_PASSWORD", "pipeline123"));

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
