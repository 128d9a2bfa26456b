package io.orderpipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.FilterChain;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/**
 * The API's admission control: requests and order writes beyond their limits are refused before
 * anything reads them; an order write may first wait briefly for a place.
 */
class ApiOverloadTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Two API requests other than order writes at once, and one order write; none waits. */
    private final io.micrometer.core.instrument.simple.SimpleMeterRegistry meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    private ApiOverload overload = new ApiOverload(2, 1, 0, 0, 200, JSON, meters);
    private final CountDownLatch release = new CountDownLatch(1);
    private final AtomicInteger passed = new AtomicInteger();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        release.countDown();
        pool.shutdownNow();
    }

    @Test
    void anOrderWriteOverTheWriteLimitIsRefusedWhileReadsStillPass() throws Exception {
        Future<MockHttpServletResponse> holding = hold("POST", "/api/orders");

        MockHttpServletResponse refused = call("POST", "/api/orders", passThrough());
        assertRefused(refused, "Too many orders are being written");
        // One limit for every order write, whatever the spelling of the path: a status change too.
        assertRefused(call("POST", "/api/orders/o-1/status", passThrough()), "Too many orders");
        assertRefused(call("POST", "/api/%6Frders", passThrough()), "Too many orders");
        assertRefused(call("POST", "/%61pi/orders", passThrough()), "Too many orders");
        assertThat(meters.counter("api.requests.refused", "limit", "writes").count()).isEqualTo(4);
        assertThat(passed).as("refused requests never reach the chain").hasValue(0);
        // A read is no write: it has places of its own.
        assertThat(call("GET", "/api/orders/o-1", passThrough()).getStatus()).isEqualTo(200);

        release.countDown();
        assertThat(holding.get(10, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
        // A limit on writes at once, not per second: as the write finishes, any number go through one after another.
        for (int i = 0; i < 5; i++) {
            assertThat(call("POST", "/api/orders", passThrough()).getStatus()).isEqualTo(200);
        }
    }

    @Test
    void readsOverTheirLimitAreRefusedWhileOrdersStillGoInAndOtherPathsAreNotCounted() throws Exception {
        hold("GET", "/api/analytics/summary");
        hold("GET", "/api/orders");

        assertRefused(call("GET", "/api/orders/o-1", passThrough()), "The server is busy");
        assertRefused(call("GET", "/%61pi/orders", passThrough()), "The server is busy");
        assertRefused(call("POST", "/api/dead-letters/discard", passThrough()), "The server is busy");
        assertThat(meters.counter("api.requests.refused", "limit", "requests").count()).isEqualTo(3);
        // Slow reads never turn orders away: writes have places of their own.
        assertThat(call("POST", "/api/orders", passThrough()).getStatus()).isEqualTo(200);
        assertThat(call("POST", "/api/orders/o-1/status", passThrough()).getStatus()).isEqualTo(200);
        // The page, actuator and the rest are not the API's: health answers while the API is full.
        assertThat(call("GET", "/actuator/health", passThrough()).getStatus()).isEqualTo(200);

        release.countDown();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> call("GET", "/api/orders/o-1", passThrough()).getStatus() == 200);
    }

    @Test
    void aPermitIsGivenBackWhenTheChainFails() throws Exception {
        for (int i = 0; i < 3; i++) {
            try {
                call("POST", "/api/orders", (request, response) -> {
                    throw new IllegalStateException("route failed");
                });
            } catch (IllegalStateException expected) {
                // the failure goes on to the container, the permits come back
            }
        }
        assertThat(call("POST", "/api/orders", passThrough()).getStatus()).isEqualTo(200);
    }

    private FilterChain passThrough() {
        return (request, response) -> passed.incrementAndGet();
    }

    /** A request that holds its place until release, started in the background; returns once it is in the chain. */
    private Future<MockHttpServletResponse> hold(String method, String uri) throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        Future<MockHttpServletResponse> f = pool.submit(() -> call(method, uri, (request, response) -> {
            inside.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        assertThat(inside.await(10, TimeUnit.SECONDS)).as(method + " " + uri + " in flight").isTrue();
        return f;
    }

    private MockHttpServletResponse call(String method, String uri, FilterChain chain) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest(method, uri);
        MockHttpServletResponse response = new MockHttpServletResponse();
        overload.doFilter(request, response, chain);
        return response;
    }

    private static void assertRefused(MockHttpServletResponse response, String why) throws Exception {
        assertThat(response.getStatus()).isEqualTo(503);
        assertThat(response.getHeader("Retry-After")).isEqualTo("1");
        assertThat(response.getContentType()).isEqualTo("application/problem+json");
        JsonNode problem = JSON.readTree(response.getContentAsByteArray());
        assertThat(problem.path("detail").asText()).startsWith(why).contains("nothing was read or written");
    }

    @Test
    void limitsThatCannotWorkStopTheAppFromStarting() {
        // More places (waiting writes included) than Tomcat's threads: the excess would queue in Tomcat instead of being refused.
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ApiOverload(152, 24, 24, 100, 200, JSON, meters))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("server.tomcat.threads.max");
        // Writes that never wait take no waiting places from Tomcat's threads.
        new ApiOverload(152, 24, 24, 0, 200, JSON, meters);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ApiOverload(16, 0, 24, 100, 200, JSON, meters))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("app.api.max-writes-in-flight (0)");
    }

    @Test
    void aWriteFindingEveryPlaceTakenWaitsForOneAndGoesInWhenItIsFreed() throws Exception {
        var meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        overload = new ApiOverload(2, 1, 1, 10_000, 200, JSON, meters);
        Future<MockHttpServletResponse> holding = hold("POST", "/api/orders");

        Future<MockHttpServletResponse> waiting = pool.submit(() -> call("POST", "/api/orders", passThrough()));
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).pollDelay(java.time.Duration.ZERO)
                .until(() -> meters.get("api.writes.waiting").gauge().value() == 1);
        assertThat(waiting.isDone()).as("waits while the place is taken").isFalse();
        // Only one may wait: the next is refused at once, not after the wait.
        long started = System.nanoTime();
        assertRefused(call("POST", "/api/orders/o-1/status", passThrough()), "Too many orders");
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(5_000);

        release.countDown();
        assertThat(holding.get(10, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
        assertThat(waiting.get(10, TimeUnit.SECONDS).getStatus()).as("went in when the place was freed").isEqualTo(200);
        assertThat(passed).hasValue(1);
        assertThat(meters.counter("api.requests.refused", "limit", "writes").count()).isEqualTo(1);
    }

    @Test
    void aWriteThatFindsNoPlaceWithinItsWaitIsRefused() throws Exception {
        overload = new ApiOverload(2, 1, 1, 50, 200, JSON, meters);
        hold("POST", "/api/orders");

        // One waiting place, taken and given back by each: the second waits too, not refused at once.
        for (int i = 0; i < 2; i++) {
            long started = System.nanoTime();
            assertRefused(call("POST", "/api/orders", passThrough()), "Too many orders");
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).as("refused after its wait")
                    .isGreaterThanOrEqualTo(50);
        }
        assertThat(passed).hasValue(0);
        // Reads never wait: one over their limit is refused at once, as before.
        hold("GET", "/api/orders");
        hold("GET", "/api/orders");
        assertRefused(call("GET", "/api/orders/o-1", passThrough()), "The server is busy");
    }
}
