package io.orderpipeline.platform;

import java.util.Map;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * app.sink.enabled, which routes/clickhouse-sink.camel.yaml starts on, follows app.sink.mode
 * (SINK_MODE): "camel" runs this app's sink, "connect" leaves analytics.orders to Kafka Connect. One
 * setting for people; a placeholder for the route, which cannot compare values.
 */
public class SinkModeProperty implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        if (env.containsProperty("app.sink.enabled")) {
            return;
        }
        boolean camel = "camel".equalsIgnoreCase(env.getProperty("app.sink.mode", "camel"));
        env.getPropertySources().addLast(new MapPropertySource("sinkMode", Map.of("app.sink.enabled", Boolean.toString(camel))));
    }
}
