package io.orderpipeline;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.ContextConfiguration;

/**
 * The whole app against the local stack, on a random port. Every test class that uses this shares
 * one application context (Spring caches it by its configuration), so the JVM holds one instance
 * of the pipeline, as a deployment of one instance would: one relay, one transformer, one sink.
 * Its sink reaches ClickHouse through a proxy a test can make late ({@link ClickHouseThroughProxy}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
// Spring Boot switches metrics export off in tests unless asked; /actuator/prometheus is part of the contract.
@AutoConfigureObservability
// The view keeper settles and looks sooner than in production, so its repairs show within a test;
// the reconciliation's margin is shorter; an insert is given up sooner (a test delays one on purpose).
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {"app.heartbeat.period-ms=100",
    "app.keeper.settle=15s", "app.keeper.interval=1s", "app.reconcile.margin=1s", "app.clickhouse.insert-timeout=3s"})
@ContextConfiguration(initializers = ClickHouseThroughProxy.class)
public @interface PipelineTest {
}
