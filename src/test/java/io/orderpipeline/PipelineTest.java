package io.orderpipeline;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.context.SpringBootTest;

/**
 * The whole app against the local stack, on a random port. Every test class that uses this shares
 * one application context (Spring caches it by its configuration), so the JVM holds one instance
 * of the pipeline, as a deployment of one instance would: one relay, one transformer, one sink.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
// Spring Boot switches metrics export off in tests unless asked; /actuator/prometheus is part of the contract.
@AutoConfigureObservability
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = "app.heartbeat.period-ms=100")
public @interface PipelineTest {
}
