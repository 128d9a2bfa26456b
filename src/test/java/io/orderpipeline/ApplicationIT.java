package io.orderpipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;

/**
 * The app started against the real local stack (`make local-up`): MariaDB, Kafka and ClickHouse.
 */
@PipelineTest
class ApplicationIT {

    @Autowired
    TestRestTemplate http;

    @Autowired
    CamelContext camel;

    @Autowired
    MeterRegistry meters;

    @Test
    @SuppressWarnings("unchecked")
    void healthReportsMysqlKafkaAndClickHouseAsSeparateComponentsAllUp() {
        // The background checks' first results (a check may have run before Camel had started).
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> healthReportsMysqlKafkaAndClickHouseUp());
    }

    @SuppressWarnings("unchecked")
    void healthReportsMysqlKafkaAndClickHouseUp() {
        ResponseEntity<Map> response = http.getForEntity("/actuator/health", Map.class);

        assertThat(response.getStatusCode()).isEqualTo(HttpStatus.OK);
        Map<String, Map<String, Object>> components = (Map<String, Map<String, Object>>) response.getBody().get("components");
        assertThat(components).containsKeys("mysql", "kafka", "clickhouse", "camelHealth");
        for (String name : new String[] {"mysql", "kafka", "clickhouse", "camelHealth"}) {
            assertThat(components.get(name).get("status")).as(name).isEqualTo("UP");
            // Answered from the background check's last result.
            assertThat((Map<String, Object>) components.get(name).get("details")).as(name).containsKeys("checkedAt", "checkMillis");
        }
        assertThat(response.getBody().get("status")).isEqualTo("UP");
    }

    @Test
    @SuppressWarnings("unchecked")
    void livenessAndReadinessProbesAreGroupsOfTheirOwn() {
        ResponseEntity<Map> liveness = http.getForEntity("/actuator/health/liveness", Map.class);
        ResponseEntity<Map> readiness = http.getForEntity("/actuator/health/readiness", Map.class);

        assertThat(liveness.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat((Map<String, Object>) liveness.getBody().get("components")).containsOnlyKeys("livenessState");
        assertThat(readiness.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat((Map<String, Object>) readiness.getBody().get("components")).containsOnlyKeys("readinessState", "mysql");
    }

    @Test
    void yamlRouteFromTheRoutesFolderIsLoadedAndRuns() {
        Route heartbeat = camel.getRoute("heartbeat");

        assertThat(heartbeat).as("route 'heartbeat' from routes/heartbeat.camel.yaml").isNotNull();
        assertThat(heartbeat.getSourceLocation()).contains("routes/heartbeat.camel.yaml");
        double before = heartbeatCount();
        await().atMost(Duration.ofSeconds(10)).until(() -> heartbeatCount() >= before + 3);
    }

    @Test
    void actuatorExposesHealthInfoAndPrometheusOnly() {
        // The heartbeat's counter appears with its first tick.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(http.getForEntity("/actuator/prometheus", String.class).getBody())
                        .contains("pipeline_heartbeat_total", "hikaricp_connections_max{", "camel_exchanges_total"));
        assertThat(http.getForEntity("/actuator/info", String.class).getStatusCode()).isEqualTo(HttpStatus.OK);
        for (String hidden : new String[] {"env", "beans", "heapdump", "configprops", "loggers"}) {
            assertThat(http.getForEntity("/actuator/" + hidden, String.class).getStatusCode())
                    .as(hidden).isEqualTo(HttpStatus.NOT_FOUND);
        }
    }

    private double heartbeatCount() {
        var counter = meters.find("pipeline.heartbeat").counter();
        return counter == null ? 0 : counter.count();
    }
}
