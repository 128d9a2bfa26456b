package io.orderpipeline;

import java.io.IOException;
import java.io.UncheckedIOException;

import io.orderpipeline.harness.FreezableProxy;
import io.orderpipeline.platform.LocalStack;

import org.springframework.boot.test.util.TestPropertyValues;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Puts a {@link FreezableProxy} between the pipeline's sink and ClickHouse's HTTP port (one per
 * test JVM), so that a test can make an insert reach the server after its client gave up. Queries
 * through JDBC go straight to the server.
 */
public class ClickHouseThroughProxy implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    private static FreezableProxy proxy;

    public static synchronized FreezableProxy proxy() {
        if (proxy == null) {
            try {
                proxy = new FreezableProxy(Integer.parseInt(LocalStack.env("CLICKHOUSE_HTTP_PORT", "8123")));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return proxy;
    }

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        TestPropertyValues.of("app.clickhouse.http-url=http://127.0.0.1:" + proxy().port()).applyTo(context);
    }
}
