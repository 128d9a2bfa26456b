package io.orderpipeline.ops;

import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.orderpipeline.outbox.OutboxMetrics;
import io.orderpipeline.platform.KafkaTopics;

import org.apache.camel.ProducerTemplate;
import org.apache.kafka.clients.admin.Admin;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** The operator's parts: the Kafka inspection, the pipeline view it feeds, and the dead-letter console. */
@Configuration(proxyBeanMethods = false)
public class OpsConfig {

    @Bean(destroyMethod = "close")
    KafkaBacklog kafkaBacklog(Admin kafkaAdmin, @Value("${camel.component.kafka.brokers}") String brokers, KafkaTopics topics,
                              @Value("${app.transformer.group-id}") String transformerGroup,
                              @Value("${app.reconcile.sink-group}") String sinkGroup) {
        return new KafkaBacklog(kafkaAdmin, brokers, List.of(
                new KafkaBacklog.Stage("transformer", transformerGroup, topics.orderEvents()),
                new KafkaBacklog.Stage("sink", sinkGroup, topics.analyticsOrders())),
                List.of(topics.orderEventsDlq(), topics.analyticsOrdersDlq()));
    }

    @Bean
    DeadLetterConsole deadLetterConsole(JdbcTemplate mysql, TransactionTemplate transaction, KafkaBacklog kafkaBacklog,
                                        ProducerTemplate camel, KafkaTopics topics) {
        return new DeadLetterConsole(mysql, transaction, kafkaBacklog, camel, topics);
    }

    @Bean
    PipelineView pipelineView(KafkaBacklog kafkaBacklog, OutboxMetrics outboxMetrics, MeterRegistry meters, KafkaTopics topics) {
        return new PipelineView(kafkaBacklog, outboxMetrics, meters, List.of(topics.orderEventsDlq(), topics.analyticsOrdersDlq()));
    }
}
