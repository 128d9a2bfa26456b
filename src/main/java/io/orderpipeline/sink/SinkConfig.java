package io.orderpipeline.sink;

import io.orderpipeline.platform.KafkaOffsets;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * What routes/clickhouse-sink.camel.yaml refers to by name: the consumer's offset handles and the
 * route's error handling.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SinkProperties.class)
public class SinkConfig {

    @Bean("sinkOffsets")
    KafkaOffsets sinkOffsets(SinkProperties props) {
        return new KafkaOffsets(props.commitTimeout());
    }

    /**
     * A failed step (ClickHouse away or refusing for a reason other than the data, a commit that
     * could not be made) is tried again, the same block, after 200 ms, 400 ms, ... up to 10 s, with
     * jitter. When the retries are used up the batch fails: camel-kafka (breakOnFirstError) then
     * reads again from the committed offsets, and the planned blocks come back the same.
     */
    @Bean
    RouteConfigurationBuilder clickHouseSinkErrors() {
        return new RouteConfigurationBuilder() {
            @Override
            public void configuration() {
                routeConfiguration("clickhouse-sink-errors")
                        .onException(Exception.class)
                            .maximumRedeliveries("{{app.sink.redelivery.maximum-redeliveries}}")
                            .redeliveryDelay("{{app.sink.redelivery.initial-delay-ms}}")
                            .useExponentialBackOff()
                            .backOffMultiplier(2)
                            .maximumRedeliveryDelay("{{app.sink.redelivery.maximum-delay-ms}}")
                            .useCollisionAvoidance()
                            .retryAttemptedLogLevel(LoggingLevel.WARN)
                            .retriesExhaustedLogLevel(LoggingLevel.WARN)
                            .logStackTrace(false)
                            .logExhaustedMessageHistory(false)
                        .end();
            }
        };
    }
}
