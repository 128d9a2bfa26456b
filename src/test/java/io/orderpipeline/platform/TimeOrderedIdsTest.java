package io.orderpipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.junit.jupiter.api.Test;

/** UUIDv7: the RFC 9562 version and variant, the time of its making in the first 48 bits, never the same twice. */
class TimeOrderedIdsTest {

    @Test
    void anIdIsAVersion7UuidThatCarriesTheMillisecondItWasMadeIn() {
        long before = System.currentTimeMillis();
        String text = TimeOrderedIds.next();
        long after = System.currentTimeMillis();

        UUID id = UUID.fromString(text);
        assertThat(text).hasSize(36).isEqualTo(id.toString());
        assertThat(id.version()).isEqualTo(7);
        assertThat(id.variant()).isEqualTo(2);
        assertThat(id.getMostSignificantBits() >>> 16).isBetween(before, after);
    }

    @Test
    void idsMadeInLaterMillisecondsSortAfterEarlierOnesAsText() throws InterruptedException {
        String earlier = TimeOrderedIds.next();
        Thread.sleep(2); // time that must pass, not a condition: the next id is from a later millisecond
        String later = TimeOrderedIds.next();
        // CHAR(36) compares as text: a later id lands at the right edge of the index.
        assertThat(later).isGreaterThan(earlier);
    }

    @Test
    void noIdComesTwiceAcrossThreads() throws Exception {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        Thread[] threads = new Thread[4];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Thread(() -> {
                for (int n = 0; n < 50_000; n++) {
                    seen.add(TimeOrderedIds.next());
                }
            });
            threads[i].start();
        }
        for (Thread thread : threads) {
            thread.join(60_000);
        }
        assertThat(seen).hasSize(200_000);
    }
}
