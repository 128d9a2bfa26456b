package io.orderpipeline.outbox;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * The relay's schedule. While rows are pending the relay drains batch after batch; when idle it
 * looks again after app.outbox.relay.idle-interval. Only the instance holding the relay lock
 * relays and purges; every instance refreshes the backlog metrics.
 */
@Component
public class OutboxRelayRoutes extends RouteBuilder {

    private final OutboxRelay relay;
    private final RelayLeadership leadership;
    private final OutboxRetention retention;
    private final OutboxMetrics metrics;

    public OutboxRelayRoutes(OutboxRelay relay, RelayLeadership leadership, OutboxRetention retention,
                             OutboxMetrics metrics) {
        this.relay = relay;
        this.leadership = leadership;
        this.retention = retention;
        this.metrics = metrics;
    }

    @Override
    public void configure() {
        // A failed tick (MySQL or Kafka away) is logged and the next tick tries again.
        onException(Exception.class).handled(true)
                .log(LoggingLevel.WARN, "${routeId} tick failed: ${exception.message}");

        from("timer:outbox-relay?delay=1000&period={{app.outbox.relay.idle-interval:20ms}}")
                .routeId("outbox-relay")
                .autoStartup("{{app.outbox.relay.enabled:true}}")
                .filter(e -> leadership.holds())
                .process(e -> e.getMessage().setBody(relay.drain()));

        from("timer:outbox-retention?delay=30000&period={{app.outbox.relay.retention-interval:1m}}")
                .routeId("outbox-retention")
                .autoStartup("{{app.outbox.relay.enabled:true}}")
                .filter(e -> leadership.holds())
                .process(e -> retention.purge());

        from("timer:outbox-metrics?period={{app.outbox.relay.metrics-interval:2s}}")
                .routeId("outbox-metrics")
                .process(e -> metrics.refresh());
    }
}
