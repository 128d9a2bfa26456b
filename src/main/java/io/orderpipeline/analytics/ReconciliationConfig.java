package io.orderpipeline.analytics;

import java.time.Duration;
import java.util.List;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The reconciliation (GET /api/analytics/reconciliation, make reconcile) and the watermark it
 * compares at: the outbox, then each consumer group between MySQL and ClickHouse.
 */
@Configuration(proxyBeanMethods = false)
public class ReconciliationConfig {

    @Bean(destroyMethod = "close")
    PipelineWatermark pipelineWatermark(JdbcTemplate mysql, @Value("${camel.component.kafka.brokers}") String brokers,
            @Value("${app.transformer.group-id}") String transformerGroup,
            @Value("${app.kafka.topics.order-events}") String orderEvents,
            @Value("${app.reconcile.sink-group}") String sinkGroup,
            @Value("${app.kafka.topics.analytics-orders}") String analyticsOrders,
            @Value("${app.reconcile.margin}") Duration margin) {
        return new PipelineWatermark(mysql, brokers, List.of(new PipelineWatermark.Stage(transformerGroup, orderEvents),
                new PipelineWatermark.Stage(sinkGroup, analyticsOrders)), margin);
    }

    @Bean
    Reconciliation reconciliation(JdbcTemplate mysql, @Qualifier("clickHouseJdbcTemplate") JdbcTemplate clickhouse,
                                  PipelineWatermark watermark) {
        return new Reconciliation(mysql, clickhouse, watermark::now);
    }
}
