package io.orderpipeline.transform;

import java.time.Duration;

import io.orderpipeline.platform.KafkaOffsets;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** What routes/event-transformer.camel.yaml refers to by name besides the transformer: its offset handles. */
@Configuration(proxyBeanMethods = false)
public class TransformerConfig {

    @Bean("transformerOffsets")
    KafkaOffsets transformerOffsets(@Value("${app.transformer.commit-timeout:5s}") Duration timeout) {
        return new KafkaOffsets(timeout);
    }
}
