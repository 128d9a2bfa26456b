package io.orderpipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.actuate.health.DefaultHealthContributorRegistry;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.context.event.ApplicationReadyEvent;

class BackgroundHealthChecksTest {

    /** DOWN for its first calls (a consumer not subscribed yet, a service not up), UP afterwards; counts its calls. */
    static final class UpAfter implements HealthIndicator {
        final AtomicInteger calls = new AtomicInteger();
        private final int downFor;

        UpAfter(int downFor) {
            this.downFor = downFor;
        }

        @Override
        public Health health() {
            return calls.incrementAndGet() <= downFor ? Health.down().build() : Health.up().build();
        }
    }

    private static ApplicationReadyEvent ready() {
        return new ApplicationReadyEvent(new SpringApplication(), new String[0], null, Duration.ZERO);
    }

    @Test
    void aCheckNotUpWhenTheAppIsReadyIsTriedAgainSoonThenAtTheInterval() throws Exception {
        DefaultHealthContributorRegistry registry = new DefaultHealthContributorRegistry();
        UpAfter kafka = new UpAfter(3);
        registry.registerContributor("kafka", kafka);
        try (BackgroundHealthChecks checks = new BackgroundHealthChecks(registry, Duration.ofSeconds(30))) {
            checks.afterSingletonsInstantiated();
            HealthIndicator shown = (HealthIndicator) registry.getContributor("kafka");
            await().atMost(Duration.ofSeconds(5)).until(() -> kafka.calls.get() == 1);

            // At start (call 1), when ready (2), after 250 ms (3), after 500 ms more (4): UP, well before the 30 s interval.
            checks.onApplicationEvent(ready());
            await().atMost(Duration.ofSeconds(5)).until(() -> Status.UP.equals(shown.health().getStatus()));
            assertThat(kafka.calls.get()).isEqualTo(4);

            // UP: back to the interval, no further call within the next retries' time.
            Thread.sleep(1500);
            assertThat(kafka.calls.get()).isEqualTo(4);
        }
    }

    @Test
    void aCheckThatStaysDownIsTriedAgainOnlyAFewTimesBeforeTheIntervalAppliesAgain() throws Exception {
        DefaultHealthContributorRegistry registry = new DefaultHealthContributorRegistry();
        UpAfter clickhouse = new UpAfter(Integer.MAX_VALUE);
        registry.registerContributor("clickhouse", clickhouse);
        try (BackgroundHealthChecks checks = new BackgroundHealthChecks(registry, Duration.ofSeconds(30))) {
            checks.afterSingletonsInstantiated();
            await().atMost(Duration.ofSeconds(5)).until(() -> clickhouse.calls.get() == 1);
            checks.onApplicationEvent(ready());

            // When ready, then after 0.25, 0.5, 1, 2, 4, 8 and 16 s (the next wait, 32 s, is past the interval).
            // The first five come within 4 s; then the waits grow instead of a failed check every 250 ms.
            await().atMost(Duration.ofSeconds(10)).until(() -> clickhouse.calls.get() == 6);
            Thread.sleep(2500);
            assertThat(clickhouse.calls.get()).isBetween(6, 7);
        }
    }

    @Test
    void aCheckThatThrowsAnErrorReadsDownAndKeepsItsSchedule() {
        DefaultHealthContributorRegistry registry = new DefaultHealthContributorRegistry();
        AtomicInteger calls = new AtomicInteger();
        registry.registerContributor("clickhouse", (HealthIndicator) () -> {
            if (calls.incrementAndGet() == 1) {
                throw new NoClassDefFoundError("a driver class that failed to load");
            }
            return Health.up().build();
        });
        try (BackgroundHealthChecks checks = new BackgroundHealthChecks(registry, Duration.ofSeconds(2))) {
            checks.afterSingletonsInstantiated();
            HealthIndicator shown = (HealthIndicator) registry.getContributor("clickhouse");
            await().atMost(Duration.ofSeconds(5)).until(() -> calls.get() >= 1 && Status.DOWN.equals(shown.health().getStatus()));
            assertThat(shown.health().getDetails().toString()).contains("a driver class that failed to load");
            await().atMost(Duration.ofSeconds(5)).until(() -> Status.UP.equals(shown.health().getStatus()));
        }
    }
}
