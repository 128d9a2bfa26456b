package io.orderpipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.orderpipeline.PipelineTest;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;

/**
 * The served OpenAPI document is one a client can be generated from: every operation named,
 * typed and with its refusals, and a third-party validator (Redocly CLI) finds no error in it.
 */
@PipelineTest
class ApiDocumentIT {

    static final Map<String, String> OPERATIONS = Map.ofEntries(
            Map.entry("createOrder", "post /api/orders"), Map.entry("listOrders", "get /api/orders"),
            Map.entry("getOrder", "get /api/orders/{id}"), Map.entry("changeOrderStatus", "post /api/orders/{id}/status"),
            Map.entry("getDailySales", "get /api/analytics/daily-sales"),
            Map.entry("getHourlyOrders", "get /api/analytics/hourly-orders"),
            Map.entry("getStatusDistribution", "get /api/analytics/status-distribution"),
            Map.entry("getSummary", "get /api/analytics/summary"), Map.entry("getReconciliation", "get /api/analytics/reconciliation"),
            Map.entry("getPipeline", "get /api/pipeline"), Map.entry("listDeadLetters", "get /api/dead-letters"),
            Map.entry("requeueDeadLetters", "post /api/dead-letters/requeue"),
            Map.entry("discardDeadLetters", "post /api/dead-letters/discard"));

    @Autowired
    TestRestTemplate http;

    @Autowired
    ObjectMapper json;

    JsonNode document(HttpHeaders headers) throws Exception {
        var response = http.exchange("/api/openapi.json", HttpMethod.GET, new HttpEntity<>(headers), String.class);
        assertThat(response.getStatusCode().value()).isEqualTo(200);
        return json.readTree(response.getBody());
    }

    @Test
    void everyOperationHasAStableIdItsTypesAndItsRefusals() throws Exception {
        JsonNode doc = document(new HttpHeaders());
        assertThat(doc.path("openapi").asText()).startsWith("3.");
        Map<String, String> found = new java.util.HashMap<>();
        List<String> faults = new ArrayList<>();
        doc.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            String where = op.getKey() + " " + path.getKey();
            JsonNode operation = op.getValue();
            found.put(operation.path("operationId").asText(), where);
            boolean typedSuccess = false;
            for (var response : (Iterable<Map.Entry<String, JsonNode>>) operation.path("responses")::fields) {
                JsonNode schema = response.getValue().path("content").path("application/json").path("schema");
                if (response.getKey().startsWith("2")) {
                    typedSuccess |= !schema.isMissingNode();
                } else if (!schema.path("$ref").asText().endsWith("/Problem")) {
                    faults.add(where + " answers " + response.getKey() + " without the problem schema");
                }
            }
            if (!typedSuccess) {
                faults.add(where + " has no typed 2xx response");
            }
            // The console's operations say that they need the operator's login, and that they answer 401 without it.
            if (where.contains("/api/dead-letters") && (!operation.path("security").toString().contains("operator")
                    || !operation.path("responses").has("401"))) {
                faults.add(where + " does not declare the operator's login and its 401");
            }
            if (!operation.path("responses").has("500")) {
                faults.add(where + " does not say it can fail with 500");
            }
            if (op.getKey().equals("post") && operation.path("requestBody").path("content").path("application/json")
                    .path("schema").path("$ref").asText().isEmpty()) {
                faults.add(where + " has no request body schema");
            }
        }));
        assertThat(faults).isEmpty();
        assertThat(found).isEqualTo(OPERATIONS);
        JsonNode order = doc.path("components").path("schemas").path("CreateOrderRequest");
        assertThat(order.path("required").toString()).contains("userId", "totalAmount", "shippingAddress");
        assertThat(order.path("properties").path("userId").path("maxLength").asInt()).isEqualTo(64);
        assertThat(doc.path("components").path("schemas").path("Problem").path("properties").has("errors")).isTrue();
    }

    @Test
    void theServerIsTheOneTheClientUsed() throws Exception {
        assertThat(document(new HttpHeaders()).path("servers").toString()).doesNotContain("0.0.0.0");
        HttpHeaders proxied = new HttpHeaders();
        proxied.set("X-Forwarded-Proto", "https");
        proxied.set("X-Forwarded-Host", "orders.example.com");
        assertThat(document(proxied).path("servers").get(0).path("url").asText()).startsWith("https://orders.example.com");
    }

    @Test
    void theCommittedDocumentIsTheServedOne() throws Exception {
        Path committed = LocalStack.projectFile("docs/openapi.json");
        JsonNode served = served();
        assertThat(withoutServers(served))
                .as("docs/openapi.json (the client's source) differs from the served document: "
                        + "copy target/openapi.json over it")
                .isEqualTo(withoutServers(json.readTree(committed.toFile())));
    }

    @Test
    void redoclyFindsNoErrorInTheServedDocument() throws Exception {
        Path home = LocalStack.projectFile("scripts/openapi/redocly.yaml").getParent();
        Path cli = home.resolve("node_modules/@redocly/cli/bin/cli.js");
        if (!Files.exists(cli)) {
            throw new IllegalStateException("Redocly CLI is not installed: run `make openapi-lint` (npm install in scripts/openapi)");
        }
        served();
        Path report = SERVED.resolveSibling("openapi-lint.txt");
        Process lint = new ProcessBuilder("node", cli.toString(), "lint", SERVED.toString(), "--format=summary",
                "--config", home.resolve("redocly.yaml").toString())
                .redirectErrorStream(true).redirectOutput(report.toFile()).start();
        boolean finished = lint.waitFor(120, TimeUnit.SECONDS);
        if (!finished) {
            lint.destroyForcibly();
        }
        String out = Files.readString(report, StandardCharsets.UTF_8);
        assertThat(finished).as("Redocly finished within 120 s:%n%s", out).isTrue();
        assertThat(lint.exitValue()).as("Redocly's verdict on %s:%n%s", SERVED, out).isZero();
        assertThat(out).as(out).contains("Your API description is valid").doesNotContain("error ");
    }

    static final Path SERVED = Path.of("target", "openapi.json").toAbsolutePath();

    /** The document as served, also written to target/openapi.json. */
    JsonNode served() throws Exception {
        JsonNode doc = document(new HttpHeaders());
        Files.createDirectories(SERVED.getParent());
        Files.writeString(SERVED, json.writerWithDefaultPrettyPrinter().writeValueAsString(doc) + "\n");
        return doc;
    }

    static JsonNode withoutServers(JsonNode doc) {
        JsonNode copy = doc.deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) copy).remove("servers");
        return copy;
    }
}
