package io.orderpipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.DefaultHealthContributorRegistry;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;

class BackgroundHealthChecksTest {

    /** DOWN for its first calls (a consumer not subscribed yet), UP afterwards; counts its calls. */
    static final class ReadySoon implements HealthIndicator {
        final AtomicInteger calls = new AtomicInteger();
        private final int downFor;

        ReadySoon(int downFor) {
            this.downFor = downFor;
        }

        @Override
        public Health health() {
            return calls.incrementAndGet() <= downFor ? Health.down().build() : Health.up().build();
        }
    }

    @Test
    void aCheckThatHasNotPassedYetIsRetriedSoonThenRunsAtTheInterval() throws Exception {
        DefaultHealthContributorRegistry registry = new DefaultHealthContributorRegistry();
        ReadySoon kafka = new ReadySoon(3);
        registry.registerContributor("kafka", kafka);
        Duration interval = Duration.ofSeconds(30);
        try (BackgroundHealthChecks checks = new BackgroundHealthChecks(registry, interval)) {
            checks.afterSingletonsInstantiated();
            HealthIndicator shown = (HealthIndicator) registry.getContributor("kafka");

            // Well before one interval: retried while DOWN, UP as soon as the check passes.
            await().atMost(Duration.ofSeconds(5)).until(() -> Status.UP.equals(shown.health().getStatus()));
            assertThat(kafka.calls.get()).isEqualTo(4);

            // Once it has passed, the interval applies again: no further call within four retries (250 ms each).
            Thread.sleep(1000);
            assertThat(kafka.calls.get()).isEqualTo(4);
        }
    }
}
