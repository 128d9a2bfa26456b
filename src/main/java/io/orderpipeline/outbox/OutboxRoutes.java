package io.orderpipeline.outbox;

import io.orderpipeline.platform.SqlTime;

import java.time.Duration;
import java.time.Instant;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The outbox's housekeeping routes beside the relay (routes/outbox-relay.camel.yaml): retention,
 * on one instance at a time, and the backlog gauges, refreshed on every instance.
 */
@Component
public class OutboxRoutes extends RouteBuilder {

    private final Duration retention;

    public OutboxRoutes(@Value("${app.outbox.retention.period}") Duration retention) {
        this.retention = retention;
    }

    @Override
    public void configure() {
        // MySQL away: one line, not a stack trace every tick; the next tick tries again.
        onException(Exception.class).handled(true)
                .log(LoggingLevel.WARN, "${routeId} failed: ${exception.message}");

        // Published rows older than the retention go, oldest first, in short statements, so the
        // table is never locked for long; the loop stops at the first batch that is not full.
        from("master:outbox-retention:timer:outbox-retention?delay={{app.outbox.retention.initial-delay}}"
                + "&period={{app.outbox.retention.interval}}")
                .routeId("outbox-retention")
                .autoStartup("{{app.outbox.relay.enabled}}")
                .setHeader("limit", simple("{{app.outbox.retention.batch}}", Integer.class))
                .setHeader("cutoff", method(this, "cutoff"))
                .setHeader("purged", constant(0))
                .loopDoWhile(simple("${header.CamelSqlUpdateCount} == null || ${header.CamelSqlUpdateCount} >= ${header.limit}"))
                    .to("sql:{{app.outbox.sql.purge}}")
                    .setHeader("purged", method(this, "add(${header.purged}, ${header.CamelSqlUpdateCount})"))
                .end()
                .filter(simple("${header.purged} > 0"))
                    .log("Deleted ${header.purged} outbox rows published before ${header.cutoff}");

        from("timer:outbox-metrics?period={{app.outbox.metrics-interval}}")
                .routeId("outbox-metrics")
                .to("sql:{{app.outbox.sql.metrics}}")
                .bean("outboxMetrics", "update");
    }

    public int add(int a, int b) {
        return a + b;
    }

    /** The retention's cut-off as a DATETIME(6) parameter. */
    public String cutoff() {
        return SqlTime.param(Instant.now().minus(retention));
    }
}
