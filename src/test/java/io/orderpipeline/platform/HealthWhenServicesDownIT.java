package io.orderpipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
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
 * and /actuator/health says which parts are DOWN, quickly, while MySQL stays UP.
 */
// The pipeline's moving parts stay off here: this context cannot reach Kafka, and must not take
// the relay lock or consumer-group partitions from the shared @PipelineTest context.
// Closed when the class is done: it must not keep retrying its dead ports (or hold a leader's lock)
// beside the other tests.
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"app.outbox.relay.enabled=false", "app.transformer.enabled=false", "app.sink.mode=off",
            "app.keeper.enabled=false"})
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
    void healthIsDownWithinBoundedTimeAndNamesTheDeadComponents() {
        long start = System.nanoTime();
        ResponseEntity<Map> response = http.getForEntity("/actuator/health", Map.class);
        long millis = (System.nanoTime() - start) / 1_000_000;

        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        Map<String, Map<String, Object>> components = (Map<String, Map<String, Object>>) response.getBody().get("components");
        assertThat(components.get("kafka").get("status")).isEqualTo("DOWN");
        assertThat(components.get("clickhouse").get("status")).isEqualTo("DOWN");
        assertThat(components.get("mysql").get("status")).isEqualTo("UP");
        // Each check is bounded by app.health.timeout-seconds (2 s) or the pool's 3 s connection timeout.
        assertThat(millis).as("health answered in %d ms", millis).isLessThan(10_000);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
