package io.orderpipeline.platform;

import java.time.Duration;
import java.util.Map;

import javax.sql.DataSource;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.HealthContributorRegistry;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * /actuator/health shows MySQL, Kafka and ClickHouse as three components (named after the beans
 * below, minus "HealthIndicator"), each bounded by a timeout so a dead service answers DOWN quickly,
 * and run in the background ({@link BackgroundHealthChecks}) so that health answers at once.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({KafkaTopics.class, io.orderpipeline.sink.SinkProperties.class})
public class HealthConfig {

    @Bean
    JdbcHealthIndicator mysqlHealthIndicator(DataSource dataSource,
                                             @Value("${app.health.timeout-seconds:2}") int timeout) {
        return new JdbcHealthIndicator("mysql", dataSource, "SELECT VERSION()", timeout);
    }

    @Bean
    JdbcHealthIndicator clickhouseHealthIndicator(@Qualifier(ClickHouseConfig.DATA_SOURCE) DataSource dataSource,
                                                  @Value("${app.health.timeout-seconds:2}") int timeout) {
        return new JdbcHealthIndicator("clickhouse", dataSource, "SELECT version()", timeout);
    }

    /** A long-lived admin client: creating one per health check would cost a connection each time. */
    @Bean(destroyMethod = "close")
    Admin kafkaAdmin(@Value("${camel.component.kafka.brokers}") String brokers,
                     @Value("${app.health.timeout-seconds:2}") int timeout) {
        int ms = timeout * 1000;
        return Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers,
                AdminClientConfig.CLIENT_ID_CONFIG, "order-pipeline-health",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000));
    }

    @Bean
    KafkaHealthIndicator kafkaHealthIndicator(Admin kafkaAdmin, KafkaTopics topics,
                                              @Value("${app.health.timeout-seconds:2}") int timeout) {
        return new KafkaHealthIndicator(kafkaAdmin, topics.all(), timeout * 1000);
    }

    @Bean(destroyMethod = "close")
    BackgroundHealthChecks backgroundHealthChecks(HealthContributorRegistry registry,
                                                  @Value("${app.health.interval:5s}") Duration interval) {
        return new BackgroundHealthChecks(registry, interval);
    }
}
