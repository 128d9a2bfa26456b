package io.orderpipeline.sink;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/** The ClickHouse sink's settings (application.yml, app.sink); the route reads them as placeholders. */
@ConfigurationProperties("app.sink")
public record SinkProperties(
        @DefaultValue("5s") Duration commitTimeout) {
}
