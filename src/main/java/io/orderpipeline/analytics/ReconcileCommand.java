package io.orderpipeline.analytics;

import java.util.ArrayList;
import java.util.List;

import io.orderpipeline.platform.ClickHouseConfig;

import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.JdbcTemplateAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * `make reconcile`: prints MySQL beside ClickHouse and exits 1 on any difference. Starts only the
 * two connection pools and the watermark's Kafka clients (same application.yml and environment as
 * the app), not the pipeline.
 */
@Configuration(proxyBeanMethods = false)
@ImportAutoConfiguration({DataSourceAutoConfiguration.class, JdbcTemplateAutoConfiguration.class})
@Import({ClickHouseConfig.class, ReconciliationConfig.class})
public class ReconcileCommand {

    public static void main(String[] args) {
        java.util.TimeZone.setDefault(java.util.TimeZone.getTimeZone("UTC"));
        int exit;
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ReconcileCommand.class)
                .web(WebApplicationType.NONE).logStartupInfo(false)
                .run(quiet(args))) {
            Reconciliation.Report report = context.getBean(Reconciliation.class).run();
            System.out.println(Reconciliation.table(report));
            exit = report.exact() ? 0 : 1;
        }
        System.exit(exit);
    }

    /** Command-line settings outrank application.yml: only the report reaches the terminal. */
    private static String[] quiet(String[] args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--spring.main.banner-mode=off", "--logging.level.root=WARN", "--logging.level.ru.yandex=ERROR",
                "--logging.level.org.apache.kafka=ERROR", "--spring.datasource.hikari.maximum-pool-size=2"));
        return all.toArray(String[]::new);
    }
}
