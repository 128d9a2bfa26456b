package io.orderpipeline.outbox;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.springframework.stereotype.Component;

/**
 * Error handling of the outbox relay route (routes/outbox-relay.camel.yaml refers to it by id).
 * A failed batch (Kafka away or refusing, MySQL failing to claim or mark) has rolled back both of
 * its transactions; it is tried again, whole, after an exponential backoff with jitter. When the
 * attempts are used up the exchange fails, which the route's circuit breaker counts; after a few
 * such failures the breaker stops the route for a while and then lets one attempt through. A
 * fenced producer means another instance relays now: no retry.
 */
@Component
public class OutboxRelayErrors extends RouteConfigurationBuilder {

    public static final String ID = "outbox-relay-errors";
    /** The batch route's: nothing handled there, so a failure reaches the relay route's redelivery whole. */
    public static final String BATCH_ID = "outbox-relay-batch-errors";

    private final OutboxRelayFailures failures;

    public OutboxRelayErrors(OutboxRelayFailures failures) {
        this.failures = failures;
    }

    @Override
    public void configuration() {
        routeConfiguration(BATCH_ID).errorHandler(noErrorHandler());

        routeConfiguration(ID)
                // Another instance has taken the relay over (its producer fenced this one's): no retry;
                // the failed producer is replaced, and master: stops this route once the lock is gone.
                .onException(ProducerFencedException.class)
                    .maximumRedeliveries(0)
                    .logExhausted(true).logStackTrace(false).retriesExhaustedLogLevel(LoggingLevel.WARN)
                .end()
                .onException(Exception.class)
                    // Up to app.outbox.relay.redelivery.maximum-redeliveries, and only while this instance leads.
                    .retryWhile(method(failures, "retry"))
                    .redeliveryDelay("{{app.outbox.relay.redelivery.initial-delay-ms}}")
                    .useExponentialBackOff()
                    .backOffMultiplier(2)
                    .maximumRedeliveryDelay("{{app.outbox.relay.redelivery.maximum-delay-ms}}")
                    // Jitter: each delay is moved by up to 15% either way, so instances do not retry in step.
                    .useCollisionAvoidance()
                    .onExceptionOccurred(failures::attemptFailed)
                    .retryAttemptedLogLevel(LoggingLevel.DEBUG)
                    .retriesExhaustedLogLevel(LoggingLevel.WARN)
                    .logStackTrace(false)
                    .logExhaustedMessageHistory(false)
                    .process(failures::tickFailed)
                .end();
    }
}
