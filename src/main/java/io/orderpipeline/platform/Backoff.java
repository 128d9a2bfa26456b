package io.orderpipeline.platform;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter, shared by everything that retries (relay, sink). */
public final class Backoff {

    private Backoff() {
    }

    /**
     * The wait before retry number {@code attempt} (1 for the first): {@code initial} doubled per
     * attempt, capped at {@code max}, then a random point between half and all of it, so that
     * instances retrying together spread out.
     */
    public static Duration jittered(Duration initial, Duration max, int attempt) {
        long step = Math.min(max.toMillis(), initial.toMillis() << Math.min(20, Math.max(0, attempt - 1)));
        return Duration.ofMillis(Math.max(1, step / 2 + ThreadLocalRandom.current().nextLong(step / 2 + 1)));
    }
}
