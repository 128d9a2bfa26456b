package io.orderpipeline.platform;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthContributorRegistry;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.NamedContributor;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

/**
 * Every health check that talks to something (MySQL, Kafka, ClickHouse, Camel's consumer checks,
 * the disk) runs on a schedule of its own, and /actuator/health answers with each one's last result
 * at once: called in a row they took 2.2 s on an idle machine, longer than an orchestrator's usual
 * 1 s probe timeout, and a dead service made it longer still. The application's own availability
 * states (liveness, readiness) stay live: they flip the moment the app starts or stops.
 *
 * <p>When the app is ready every check runs once more, and one that is not UP then is tried again
 * sooner than the interval: after {@link #READY_RETRY}, then twice as long each time, until it is
 * UP or the wait reaches the interval. Camel's Kafka consumers are ready about a second after the
 * app, and the app should read healthy then, not one interval later (a restart is that much
 * shorter for whoever waits on it); a service that is down at start costs a few more failed
 * checks (and their log lines), not one every quarter of a second.
 *
 * <p>Hand-written because Spring Boot 3.5 has no asynchronous health contributors, and Camel's
 * {@code camel.health.async-camel-health-check} wraps only Camel's indicators and never stops the
 * scheduler it creates (its threads would outlive a closed context).
 */
public final class BackgroundHealthChecks implements SmartInitializingSingleton, AutoCloseable,
        ApplicationListener<ApplicationReadyEvent> {

    private static final Logger log = LoggerFactory.getLogger(BackgroundHealthChecks.class);
    /** In-process state, answered live: wrapping them would delay a shutdown's REFUSING_TRAFFIC. */
    private static final Set<String> LIVE = Set.of("ping", "livenessState", "readinessState");
    static final Duration READY_RETRY = Duration.ofMillis(250);

    private final HealthContributorRegistry registry;
    private final Duration interval;
    private final List<LastResult> checks = new ArrayList<>();
    private ScheduledExecutorService scheduler;

    public BackgroundHealthChecks(HealthContributorRegistry registry, Duration interval) {
        this.registry = registry;
        this.interval = interval;
    }

    @Override
    public void afterSingletonsInstantiated() {
        List<NamedContributor<?>> slow = new ArrayList<>();
        for (NamedContributor<?> c : registry) {
            if (c.getContributor() instanceof HealthIndicator && !LIVE.contains(c.getName())) {
                slow.add(c);
            }
        }
        if (slow.isEmpty()) {
            return;
        }
        // One thread per check: a check waiting out its timeout does not hold the others' results back.
        scheduler = Executors.newScheduledThreadPool(slow.size(), r -> {
            Thread t = new Thread(r, "health-check");
            t.setDaemon(true);
            return t;
        });
        for (NamedContributor<?> c : slow) {
            LastResult last = new LastResult(c.getName(), (HealthIndicator) c.getContributor(), interval);
            registry.unregisterContributor(c.getName());
            registry.registerContributor(c.getName(), last);
            checks.add(last);
            scheduler.scheduleWithFixedDelay(last::refresh, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        }
        log.info("Health checks run every {} in the background: {}", interval, checks.stream().map(c -> c.name).toList());
    }

    /** Once more when the app is ready (the first checks ran before Camel's routes had started), then sooner until UP. */
    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        if (scheduler != null) {
            checks.forEach(c -> untilUp(c, Duration.ZERO, READY_RETRY));
        }
    }

    private void untilUp(LastResult check, Duration delay, Duration next) {
        try {
            scheduler.schedule(() -> {
                if (!check.refresh() && next.compareTo(interval) < 0) {
                    untilUp(check, next, next.multipliedBy(2));
                }
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closing) {
            // The context is closing: no more checks.
        }
    }

    @Override
    public void close() {
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }

    /** A check's last result, with when it was taken and how long it took. */
    static final class LastResult implements HealthIndicator {
        private final String name;
        private final HealthIndicator check;
        private final Duration staleAfter;
        private volatile Health last;
        private volatile Instant checkedAt;
        private final AtomicBoolean running = new AtomicBoolean();

        LastResult(String name, HealthIndicator check, Duration interval) {
            this.name = name;
            this.check = check;
            // A result this old means the check itself hangs: that is news too.
            this.staleAfter = interval.multipliedBy(3).plusSeconds(10);
            this.last = Health.unknown().withDetail("reason", "not checked yet").build();
            // A first check that never finishes reads DOWN after staleAfter, like a later one.
            this.checkedAt = Instant.now();
        }

        /**
         * Runs the check, unless a run is in flight already (the retries after start and the regular
         * runs share it: one at a time, so a slow old result never overwrites a newer one); true when
         * the last result is UP.
         */
        boolean refresh() {
            if (!running.compareAndSet(false, true)) {
                return Status.UP.equals(last.getStatus());
            }
            try {
                Instant start = Instant.now();
                Health h;
                try {
                    h = check.health();
                } catch (Exception | LinkageError e) {
                    // Kept to a result: an exception out of here would end the check's schedule.
                    h = Health.down(e instanceof Exception x ? x : new IllegalStateException(e)).build();
                }
                if (h == null) {
                    h = Health.down().withDetail("reason", name + " check gave no result").build();
                }
                long ms = Duration.between(start, Instant.now()).toMillis();
                last = Health.status(h.getStatus()).withDetails(h.getDetails())
                        .withDetail("checkedAt", start.toString()).withDetail("checkMillis", ms).build();
                checkedAt = start;
                return Status.UP.equals(h.getStatus());
            } finally {
                running.set(false);
            }
        }

        @Override
        public Health health() {
            Instant at = checkedAt;
            if (at != null && at.plus(staleAfter).isBefore(Instant.now())) {
                return Health.status(Status.DOWN).withDetails(last.getDetails())
                        .withDetail("reason", name + " check has not finished since " + at).build();
            }
            return last;
        }
    }
}
