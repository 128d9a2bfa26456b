package io.orderpipeline.outbox;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderpipeline.platform.SqlTime;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.cluster.ClusterServiceHelper;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * The relay's numbers on /actuator/prometheus. The backlog gauges (outbox_pending_rows,
 * outbox_oldest_pending_age_seconds, outbox_held_orders, outbox_dead_letters_waiting) are refreshed
 * by the outbox-metrics route, not per scrape, so scrapes never load the database. Counters: events
 * published, failed attempts, events dead-lettered. outbox_relay_leader is 1 on the instance that
 * relays, outbox_relay_circuit_open 1 while its circuit breaker holds it back.
 */
@Component("outboxMetrics")
public class OutboxMetrics {

    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong oldestPendingMillis = new AtomicLong();
    private final AtomicLong heldOrders = new AtomicLong();
    private final AtomicLong deadLettersWaiting = new AtomicLong();
    private final AtomicBoolean circuitOpen = new AtomicBoolean();
    final Counter published;
    final Counter retried;
    final Counter deadLettered;

    public OutboxMetrics(MeterRegistry registry, ObjectProvider<CamelContext> camel, OutboxRelayProperties props) {
        Gauge.builder("outbox.pending.rows", pending, AtomicLong::get)
                .description("Outbox rows not yet published").register(registry);
        Gauge.builder("outbox.oldest.pending.age.seconds", oldestPendingMillis, v -> v.get() / 1000.0)
                .description("Age of the oldest outbox row not yet published").register(registry);
        Gauge.builder("outbox.held.orders", heldOrders, AtomicLong::get)
                .description("Orders whose events wait because an earlier one is a dead letter").register(registry);
        Gauge.builder("outbox.dead.letters.waiting", deadLettersWaiting, AtomicLong::get)
                .description("Dead-lettered outbox rows neither requeued nor discarded").register(registry);
        Gauge.builder("outbox.relay.circuit.open", circuitOpen, v -> v.get() ? 1 : 0)
                .description("1 while the relay's circuit breaker holds it back").register(registry);
        Gauge.builder("outbox.relay.leader", camel, c -> leads(c.getIfAvailable(), props.leaderNamespace()) ? 1 : 0)
                .description("1 on the instance that relays the outbox").strongReference(true).register(registry);
        published = Counter.builder("outbox.events.published").description("Events committed to Kafka")
                .register(registry);
        retried = Counter.builder("outbox.events.retried").description("Relay attempts that failed and will be retried")
                .register(registry);
        deadLettered = Counter.builder("outbox.events.dead.lettered").description("Events sent to the dead-letter topic")
                .register(registry);
    }

    /** The outbox-metrics route's last step: its body is the one row of sql/outbox/metrics.sql. */
    public void update(Exchange exchange) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> rows = exchange.getIn().getBody(List.class);
        Map<String, Object> row = rows.get(0);
        pending.set(((Number) row.get("pending")).longValue());
        heldOrders.set(((Number) row.get("held_orders")).longValue());
        deadLettersWaiting.set(((Number) row.get("dead_letters")).longValue());
        LocalDateTime oldest = (LocalDateTime) row.get("oldest_pending");
        oldestPendingMillis.set(oldest == null ? 0
                : Math.max(0, Duration.between(SqlTime.read(oldest), Instant.now()).toMillis()));
    }

    void circuitOpen(boolean open) {
        circuitOpen.set(open);
    }

    public long pending() {
        return pending.get();
    }

    public double oldestPendingAgeSeconds() {
        return oldestPendingMillis.get() / 1000.0;
    }

    public long heldOrders() {
        return heldOrders.get();
    }

    public long deadLettersWaiting() {
        return deadLettersWaiting.get();
    }

    private static boolean leads(CamelContext camel, String namespace) {
        return camel != null && ClusterServiceHelper.lookupService(camel).map(s -> s.isLeader(namespace)).orElse(false);
    }
}
