package io.orderpipeline.platform;

import java.util.List;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The pipeline's topic names. The defaults are the names in SPEC.md; a deployment may rename them.
 */
@ConfigurationProperties("app.kafka.topics")
public record KafkaTopics(String orderEvents, String orderEventsDlq, String analyticsOrders,
                          String analyticsOrdersDlq) {

    public List<String> all() {
        return List.of(orderEvents, orderEventsDlq, analyticsOrders, analyticsOrdersDlq);
    }
}
