package io.orderpipeline;

import java.util.TimeZone;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Orders over HTTP into MySQL with a transactional outbox, relayed through Kafka into ClickHouse.
 * One package per pipeline stage; {@code platform} holds what every stage shares.
 */
@SpringBootApplication
public class OrderPipelineApplication {

    public static void main(String[] args) {
        // Every timestamp in the pipeline is UTC, whatever the host's zone.
        TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
        SpringApplication.run(OrderPipelineApplication.class, args);
    }
}
