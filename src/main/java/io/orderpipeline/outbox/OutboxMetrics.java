package io.orderpipeline.outbox;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderpipeline.platform.SqlTime;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The relay's numbers on /actuator/prometheus: outbox_pending_rows, outbox_oldest_pending_age_seconds
 * (both refreshed by a timer, not per scrape, so scrapes never load the database), and counters of
 * events published, retried and dead-lettered.
 */
@Component
public class OutboxMetrics {

    private final JdbcTemplate jdbc;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong oldestPendingMillis = new AtomicLong();
    final Counter published;
    final Counter retried;
    final Counter deadLettered;

    public OutboxMetrics(JdbcTemplate jdbc, MeterRegistry registry) {
        this.jdbc = jdbc;
        Gauge.builder("outbox.pending.rows", pending, AtomicLong::get)
                .description("Outbox rows not yet published").register(registry);
        Gauge.builder("outbox.oldest.pending.age.seconds", oldestPendingMillis, v -> v.get() / 1000.0)
                .description("Age of the oldest outbox row not yet published").register(registry);
        published = Counter.builder("outbox.events.published").description("Events acknowledged by Kafka")
                .register(registry);
        retried = Counter.builder("outbox.events.retried").description("Publication attempts that failed and will be retried")
                .register(registry);
        deadLettered = Counter.builder("outbox.events.dead.lettered").description("Events sent to the dead-letter topic")
                .register(registry);
    }

    /** Counts through idx_outbox_pending; the oldest row is the lowest pending id. */
    public void refresh() {
        Long count = jdbc.queryForObject("SELECT COUNT(*) FROM outbox WHERE processed = 0", Long.class);
        pending.set(count == null ? 0 : count);
        LocalDateTime oldest = jdbc.query("SELECT created_at FROM outbox WHERE processed = 0 ORDER BY id LIMIT 1",
                rs -> rs.next() ? rs.getObject(1, LocalDateTime.class) : null);
        oldestPendingMillis.set(oldest == null ? 0
                : Math.max(0, Duration.between(SqlTime.read(oldest), Instant.now()).toMillis()));
    }

    public long pending() {
        return pending.get();
    }
}
