package io.orderpipeline.order;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import io.orderpipeline.PipelineTest;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The order API over HTTP against the real MariaDB: what is written, what is refused, and that a
 * refusal writes nothing.
 */
@PipelineTest
class OrderApiIT {

    @Autowired
    TestRestTemplate http;

    @Autowired
    JdbcTemplate db;

    @Autowired
    ObjectMapper json;

    final String user = "it-" + UUID.randomUUID();

    @Test
    void createWritesTheOrderAndItsOutboxEventTogether() throws Exception {
        ResponseEntity<String> response = post("/api/orders", order(user, "99.99"), null);

        assertThat(response.getStatusCode().value()).isEqualTo(201);
        JsonNode body = json.readTree(response.getBody());
        String id = body.get("id").asText();
        assertThat(response.getHeaders().getLocation()).hasToString("/api/orders/" + id);
        assertThat(body.get("status").asText()).isEqualTo("PENDING");
        assertThat(body.get("totalAmount").decimalValue()).isEqualByComparingTo("99.99");
        assertThat(body.get("currency").asText()).isEqualTo("USD");

        Map<String, Object> row = db.queryForMap("SELECT * FROM orders WHERE id = ?", id);
        assertThat(row.get("user_id")).isEqualTo(user);
        assertThat((BigDecimal) row.get("total_amount")).isEqualByComparingTo("99.99");

        List<Map<String, Object>> events = db.queryForList("SELECT * FROM outbox WHERE aggregate_id = ?", id);
        assertThat(events).hasSize(1);
        Map<String, Object> event = events.get(0);
        assertThat(event.get("aggregate_type")).isEqualTo("Order");
        assertThat(event.get("event_type")).isEqualTo("OrderCreated");
        JsonNode payload = json.readTree((String) event.get("payload"));
        assertThat(payload.get("eventId").asText()).isEqualTo(event.get("event_id"));
        assertThat(payload.get("eventType").asText()).isEqualTo("OrderCreated");
        assertThat(payload.get("schemaVersion").asInt()).isEqualTo(1);
        assertThat(payload.get("aggregateId").asText()).isEqualTo(id);
        assertThat(payload.get("occurredAt").asText()).isEqualTo(body.get("createdAt").asText());
        assertThat(payload.get("order")).isEqualTo(body);

        assertThat(json.readTree(http.getForEntity("/api/orders/" + id, String.class).getBody())).isEqualTo(body);
    }

    static Stream<Arguments> refusals() {
        return HostileInputs.refusals().stream().map(r -> Arguments.of(r.name(), r.body(), r.contentType(), r.status(), r.field()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refusals")
    void refusalsAreProblemDocumentsAndWriteNothing(String name, String body, String contentType, int status,
                                                   String field) throws Exception {
        long orders = count("orders");
        long events = count("outbox");

        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.CONTENT_TYPE, contentType);
        ResponseEntity<String> response = http.exchange("/api/orders", HttpMethod.POST, new HttpEntity<>(body, headers), String.class);

        assertThat(response.getStatusCode().value()).isEqualTo(status);
        assertThat(response.getHeaders().getContentType()).hasToString("application/problem+json");
        JsonNode problem = json.readTree(response.getBody());
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asText()).isNotBlank();
        if (field != null) {
            assertThat(problem.get("errors").findValuesAsText("field")).contains(field);
        }
        assertThat(response.getBody()).doesNotContain("Exception", "java.", "com.fasterxml", "at io.");
        assertThat(count("orders")).isEqualTo(orders);
        assertThat(count("outbox")).isEqualTo(events);
    }

    @Test
    void anEncodedApiPathMeetsTheSameBodyLimit() throws Exception {
        // /%61pi/orders is /api/orders to Spring MVC: the filters must see it as the API too.
        long orders = count("orders");
        String body = "{\"userId\":\"u1\",\"totalAmount\":10.50,\"shippingAddress\":\"" + "x".repeat(20_000) + "\"}";
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(http.getRootUri() + "/%61pi/orders")).header("Content-Type", "application/json")
                        .POST(java.net.http.HttpRequest.BodyPublishers.ofString(body)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(count("orders")).isEqualTo(orders);
    }

    static Stream<String> legalStrings() {
        return HostileInputs.legalStrings().stream();
    }

    @ParameterizedTest
    @MethodSource("legalStrings")
    void legalButHostileLookingTextIsStoredAndReturnedAsSent(String text) throws Exception {
        String body = json.writeValueAsString(Map.of("userId", user, "totalAmount", new BigDecimal("3.00"), "shippingAddress", text));
        ResponseEntity<String> created = post("/api/orders", body, null);

        assertThat(created.getStatusCode().value()).isEqualTo(201);
        String id = json.readTree(created.getBody()).get("id").asText();
        assertThat(db.queryForObject("SELECT shipping_address FROM orders WHERE id = ?", String.class, id)).isEqualTo(text);
        assertThat(json.readTree(http.getForEntity("/api/orders/" + id, String.class).getBody()).get("shippingAddress").asText())
                .isEqualTo(text);
    }

    @Test
    void whenTheOutboxInsertFailsTheOrderIsNotWrittenEither() throws Exception {
        JdbcTemplate root = new JdbcTemplate(io.orderpipeline.platform.LocalStack.mysqlRoot("ecommerce"));
        String probe = "atomicity-" + UUID.randomUUID();
        // A real failure inside the transaction, after the order row was inserted.
        root.execute("CREATE TRIGGER it_fail_outbox BEFORE INSERT ON outbox FOR EACH ROW BEGIN "
                + "IF NEW.payload LIKE '%" + probe + "%' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'probe'; "
                + "END IF; END");
        try {
            ResponseEntity<String> response = post("/api/orders", order(probe, "12.34"), null);

            assertThat(response.getStatusCode().value()).isEqualTo(500);
            assertThat(response.getHeaders().getContentType()).hasToString("application/problem+json");
            assertThat(response.getBody()).doesNotContain("probe", "SQL", "Exception");
            assertThat(count("orders WHERE user_id = '" + probe + "'")).isZero();
        } finally {
            root.execute("DROP TRIGGER IF EXISTS it_fail_outbox");
        }
    }

    @Test
    void idempotencyKeyReturnsTheFirstOrderAndRefusesAnotherBody() throws Exception {
        String key = "key-" + UUID.randomUUID();
        ResponseEntity<String> first = post("/api/orders", order(user, "10.00"), key);
        ResponseEntity<String> retry = post("/api/orders", order(user, "10.0").replace("\"userId\"", " \"userId\""), key);
        ResponseEntity<String> other = post("/api/orders", order(user, "11.00"), key);

        assertThat(first.getStatusCode().value()).isEqualTo(201);
        assertThat(retry.getStatusCode().value()).isEqualTo(201);
        assertThat(json.readTree(retry.getBody())).isEqualTo(json.readTree(first.getBody()));
        assertThat(retry.getHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
        assertThat(other.getStatusCode().value()).isEqualTo(422);
        assertThat(count("orders WHERE user_id = '" + user + "'")).isEqualTo(1);
        assertThat(count("outbox WHERE aggregate_id = '" + json.readTree(first.getBody()).get("id").asText() + "'")).isEqualTo(1);
    }

    @Test
    void concurrentRetriesWithOneKeyCreateOneOrder() throws Exception {
        String key = "key-" + UUID.randomUUID();
        List<ResponseEntity<String>> responses = parallel(8, () -> post("/api/orders", order(user, "5.00"), key));

        assertThat(responses).allSatisfy(r -> assertThat(r.getStatusCode().value()).isEqualTo(201));
        assertThat(responses.stream().map(r -> r.getHeaders().getLocation()).distinct()).hasSize(1);
        assertThat(count("orders WHERE user_id = '" + user + "'")).isEqualTo(1);
    }

    @Test
    void statusChangesFollowTheStateMachineAndEmitEventsInOrder() throws Exception {
        String id = create(user, "20.00");

        assertThat(changeStatus(id, "SHIPPED").getStatusCode().value()).isEqualTo(409);
        assertThat(changeStatus(id, "PAID").getStatusCode().value()).isEqualTo(200);
        assertThat(changeStatus(id, "SHIPPED").getStatusCode().value()).isEqualTo(200);
        assertThat(changeStatus(id, "CANCELLED").getStatusCode().value()).isEqualTo(409);
        ResponseEntity<String> delivered = changeStatus(id, "DELIVERED");
        assertThat(delivered.getStatusCode().value()).isEqualTo(200);
        assertThat(json.readTree(delivered.getBody()).get("status").asText()).isEqualTo("DELIVERED");
        assertThat(changeStatus("no-such-order", "PAID").getStatusCode().value()).isEqualTo(404);

        List<Map<String, Object>> events = db.queryForList(
                "SELECT event_type, payload FROM outbox WHERE aggregate_id = ? ORDER BY id", id);
        assertThat(events).extracting(e -> e.get("event_type"))
                .containsExactly("OrderCreated", "OrderStatusChanged", "OrderStatusChanged", "OrderStatusChanged");
        List<String> transitions = new ArrayList<>();
        for (Map<String, Object> e : events.subList(1, 4)) {
            JsonNode payload = json.readTree((String) e.get("payload"));
            transitions.add(payload.get("previousStatus").asText() + ">" + payload.get("order").get("status").asText());
        }
        assertThat(transitions).containsExactly("PENDING>PAID", "PAID>SHIPPED", "SHIPPED>DELIVERED");
    }

    @Test
    void concurrentChangesOfOneOrderCannotBothWin() throws Exception {
        String id = create(user, "30.00");

        List<ResponseEntity<String>> responses = parallel(8, () -> changeStatus(id, "PAID"));

        assertThat(responses.stream().filter(r -> r.getStatusCode().value() == 200)).hasSize(1);
        assertThat(responses.stream().filter(r -> r.getStatusCode().value() == 409)).hasSize(7);
        assertThat(count("outbox WHERE aggregate_id = '" + id + "' AND event_type = 'OrderStatusChanged'")).isEqualTo(1);
    }

    @Test
    void historyIsNewestFirstAndPagesWithATokenAndFiltersByStatus() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(create(user, (i + 1) + ".00"));
        }
        changeStatus(ids.get(1), "PAID");

        JsonNode page1 = json.readTree(http.getForEntity("/api/orders?userId=" + user + "&limit=2", String.class).getBody());
        JsonNode page2 = json.readTree(http.getForEntity("/api/orders?userId=" + user + "&limit=2&pageToken="
                + page1.get("nextPageToken").asText(), String.class).getBody());
        JsonNode page3 = json.readTree(http.getForEntity("/api/orders?userId=" + user + "&limit=2&pageToken="
                + page2.get("nextPageToken").asText(), String.class).getBody());
        List<String> seen = new ArrayList<>();
        Stream.of(page1, page2, page3).forEach(p -> p.get("orders").forEach(o -> seen.add(o.get("id").asText())));

        assertThat(seen).containsExactly(ids.get(4), ids.get(3), ids.get(2), ids.get(1), ids.get(0));
        assertThat(page3.get("nextPageToken").isNull()).isTrue();
        JsonNode paid = json.readTree(http.getForEntity("/api/orders?userId=" + user + "&status=PAID", String.class).getBody());
        assertThat(paid.get("orders")).hasSize(1);
        assertThat(paid.get("orders").get(0).get("id").asText()).isEqualTo(ids.get(1));
        assertThat(http.getForEntity("/api/orders?status=LOST", String.class).getStatusCode().value()).isEqualTo(400);
        assertThat(http.getForEntity("/api/orders?pageToken=garbage", String.class).getStatusCode().value()).isEqualTo(400);
    }

    String create(String userId, String amount) throws Exception {
        ResponseEntity<String> response = post("/api/orders", order(userId, amount), null);
        assertThat(response.getStatusCode().value()).isEqualTo(201);
        return json.readTree(response.getBody()).get("id").asText();
    }

    ResponseEntity<String> changeStatus(String id, String status) {
        return post("/api/orders/" + id + "/status", "{\"status\":\"" + status + "\"}", null);
    }

    ResponseEntity<String> post(String path, String body, String idempotencyKey) {
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.CONTENT_TYPE, "application/json");
        if (idempotencyKey != null) {
            headers.set("Idempotency-Key", idempotencyKey);
        }
        return http.exchange(path, HttpMethod.POST, new HttpEntity<>(body, headers), String.class);
    }

    static String order(String userId, String amount) {
        return "{\"userId\":\"" + userId + "\",\"totalAmount\":" + amount + ",\"shippingAddress\":\"1 Main St\"}";
    }

    long count(String tableAndWhere) {
        return db.queryForObject("SELECT count(*) FROM " + tableAndWhere, Long.class);
    }

    static <T> List<T> parallel(int n, Callable<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(call));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
