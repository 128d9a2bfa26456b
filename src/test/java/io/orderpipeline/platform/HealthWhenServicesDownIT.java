package io.orderpipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The app pointed at a Kafka and a ClickHouse that do not exist (a closed port each) still starts,
 * and /actuator/health says which parts are DOWN, at once, while MySQL stays UP and the app stays
 * ready for orders.
 */
// The pipeline's moving parts stay off here: this context cannot reach Kafka, and must not take
// the relay lock or consumer-group partitions from the shared @PipelineTest context.
// Closed when the class is done: it must not keep retrying its dead ports (or hold a leader's lock)
// beside the other tests.
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"app.outbox.relay.enabled=false", "app.transformer.enabled=false", "app.sink.mode=off",
            "app.keeper.enabled=false",
            // Two API reads at once: two waiting for the dead ClickHouse take both places.
            "app.api.max-in-flight=2"})
@org.springframework.test.annotation.DirtiesContext
class HealthWhenServicesDownIT {

    @DynamicPropertySource
    static void deadServices(DynamicPropertyRegistry registry) throws IOException {
        int dead = closedPort();
        registry.add("camel.component.kafka.brokers", () -> "127.0.0.1:" + dead);
        registry.add("app.clickhouse.url", () -> "jdbc:clickhouse://127.0.0.1:" + dead + "/default?compress=false&connection_timeout=1000&socket_timeout=2000");
    }

    @Autowired
    TestRestTemplate http;

    @Test
    @SuppressWarnings("unchecked")
    void healthNamesTheDeadComponentsAndAnswersAtOnce() {
        // The background checks report within their own bounds (2 s health timeout, 3 s pool timeout).
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            ResponseEntity<Map> response = http.getForEntity("/actuator/health", Map.class);
            assertThat(response.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
            Map<String, Map<String, Object>> components = (Map<String, Map<String, Object>>) response.getBody().get("components");
            assertThat(components.get("kafka").get("status")).isEqualTo("DOWN");
            assertThat(components.get("clickhouse").get("status")).isEqualTo("DOWN");
            assertThat(components.get("mysql").get("status")).isEqualTo("UP");
        });

        // A probe's usual timeout is 1 s; answered from the last results, health takes a few ms
        // although each dead service's check waits out its 2-3 s timeout.
        long[] millis = new long[11];
        for (int i = 0; i < millis.length; i++) {
            long start = System.nanoTime();
            http.getForEntity("/actuator/health", Map.class);
            millis[i] = (System.nanoTime() - start) / 1_000_000;
        }
        java.util.Arrays.sort(millis);
        assertThat(millis[millis.length / 2]).as("median of %s ms", java.util.Arrays.toString(millis)).isLessThanOrEqualTo(100);
        assertThat(millis[millis.length - 1]).as("slowest of %s ms", java.util.Arrays.toString(millis)).isLessThan(1000);
    }

    @Test
    @SuppressWarnings("unchecked")
    void readyForOrdersWhileKafkaAndClickHouseAreAway() {
        // Ready because MySQL was checked and is UP, not because its check has not run yet.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            Map<String, Map<String, Object>> components = (Map<String, Map<String, Object>>)
                    http.getForEntity("/actuator/health/readiness", Map.class).getBody().get("components");
            assertThat(components.get("mysql").get("status")).isEqualTo("UP");
            assertThat((Map<String, Object>) components.get("mysql").get("details")).containsKey("checkedAt");
        });
        // Orders need MySQL only: the outbox keeps their events until Kafka is back.
        assertThat(http.getForEntity("/actuator/health/readiness", Map.class).getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(http.getForEntity("/actuator/health/liveness", Map.class).getStatusCode()).isEqualTo(HttpStatus.OK);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theDeadLetterConsoleListsWhatMySqlHoldsAndRefusesKafkaWorkWith503() {
        org.springframework.http.HttpHeaders operator = new org.springframework.http.HttpHeaders();
        operator.setBasicAuth("operator", "operator123");
        long start = System.nanoTime();
        ResponseEntity<Map> listed = http.exchange("/api/dead-letters", org.springframework.http.HttpMethod.GET,
                new org.springframework.http.HttpEntity<>(operator), Map.class);
        // The outbox part needs MySQL only; the topic part says why it is missing.
        assertThat(listed.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(listed.getBody()).containsKey("outbox").containsKey("heldOrders");
        assertThat((String) listed.getBody().get("topicRecordsProblem")).startsWith("Kafka did not answer");
        assertThat((java.util.List<Object>) listed.getBody().get("topicRecords")).isEmpty();
        assertThat((System.nanoTime() - start) / 1_000_000_000).as("seconds to list").isLessThan(30);

        operator.set("Content-Type", "application/json");
        ResponseEntity<Map> decided = http.exchange("/api/dead-letters/discard", org.springframework.http.HttpMethod.POST,
                new org.springframework.http.HttpEntity<>("{\"topic\":\"analytics.orders.dlq\",\"partition\":0,\"offset\":0}",
                        operator), Map.class);
        assertThat(decided.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(decided.getHeaders().getFirst("Retry-After")).isEqualTo("5");
        assertThat((String) decided.getBody().get("detail")).startsWith("Kafka did not answer");
    }

    @Test
    void withMaxInFlightReadsRunningTheNextIsRefusedAtOnceWith503AndOrdersStillGoIn() throws Exception {
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            // Each waits for the dead ClickHouse (up to its pool's 3 s timeout), holding a place.
            for (int i = 0; i < 2; i++) {
                pool.submit(() -> http.getForEntity("/api/analytics/summary", String.class));
            }
            long[] refusedInMs = {-1};
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                long start = System.nanoTime();
                ResponseEntity<Map> r = http.getForEntity("/api/orders?limit=1", Map.class);
                if (r.getStatusCode() != HttpStatus.SERVICE_UNAVAILABLE) {
                    // A place was free after all: keep both taken and ask again.
                    pool.submit(() -> http.getForEntity("/api/analytics/summary", String.class));
                    return false;
                }
                refusedInMs[0] = (System.nanoTime() - start) / 1_000_000;
                assertThat(r.getHeaders().getFirst("Retry-After")).isEqualTo("1");
                assertThat(r.getHeaders().getContentType().toString()).startsWith("application/problem+json");
                assertThat((String) r.getBody().get("detail")).contains("nothing was read or written");
                return true;
            });
            assertThat(refusedInMs[0]).as("ms to refuse").isLessThan(1000);
            // Reads waiting for the dead ClickHouse never turn orders away: writes have places of their own.
            org.springframework.http.HttpHeaders headers = new org.springframework.http.HttpHeaders();
            headers.setContentType(org.springframework.http.MediaType.APPLICATION_JSON);
            ResponseEntity<String> created = http.postForEntity("/api/orders", new org.springframework.http.HttpEntity<>(
                    "{\"userId\":\"u-busy\",\"totalAmount\":1.00,\"shippingAddress\":\"1 Main St\"}", headers), String.class);
            assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        } finally {
            pool.shutdownNow();
        }
        // The places come free: the API answers again by itself.
        await().atMost(Duration.ofSeconds(30)).until(() -> http.getForEntity("/api/orders?limit=1", String.class)
                .getStatusCode() == HttpStatus.OK);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
