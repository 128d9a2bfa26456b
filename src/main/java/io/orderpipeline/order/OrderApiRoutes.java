package io.orderpipeline.order;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

import io.orderpipeline.platform.ApiErrorHandling;
import io.orderpipeline.platform.ApiProblem;
import io.orderpipeline.platform.ApiRequests;
import io.orderpipeline.platform.ApiResponses;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestParamType;
import org.springframework.stereotype.Component;

/**
 * The order API: REST DSL on platform-http. Each operation is a small route that reads the request,
 * calls OrderService and writes JSON; refusals are ApiProblems, written by ApiErrorHandling.
 */
@Component
public class OrderApiRoutes extends RouteBuilder {

    static final int DEFAULT_PAGE = 20;
    static final int MAX_PAGE = 100;

    private final OrderService orders;
    private final ApiRequests requests;
    private final ApiResponses responses;

    public OrderApiRoutes(OrderService orders, ApiRequests requests, ApiResponses responses) {
        this.orders = orders;
        this.requests = requests;
        this.responses = responses;
    }

    @Override
    public void configure() {
        restConfiguration().component("platform-http")
                .apiContextPath("/api/openapi.json")
                .apiProperty("api.title", "Order analytics pipeline")
                .apiProperty("api.version", "1");

        rest("/api/orders").description("Orders: create, read, history, status changes")
                .post().description("Create an order (Idempotency-Key makes retries safe)")
                    .produces("application/json")
                    .param().name("Idempotency-Key").type(RestParamType.header).required(false).endParam()
                    .to("direct:order-create")
                .get("/{id}").description("One order").produces("application/json")
                    .to("direct:order-get")
                .get().description("Order history, newest first, paginated")
                    .param().name("userId").type(RestParamType.query).required(false).endParam()
                    .param().name("status").type(RestParamType.query).required(false).endParam()
                    .param().name("limit").type(RestParamType.query).required(false).endParam()
                    .param().name("pageToken").type(RestParamType.query).required(false).endParam()
                    .produces("application/json")
                    .to("direct:order-history")
                .post("/{id}/status").description("Change an order's status (409 when the state machine forbids it)")
                    .produces("application/json")
                    .to("direct:order-status");

        from("direct:order-create").routeId("order-create").routeConfigurationId(ApiErrorHandling.ID)
                .process(this::create);
        from("direct:order-get").routeId("order-get").routeConfigurationId(ApiErrorHandling.ID)
                .process(e -> responses.write(e, 200, orders.get(e.getIn().getHeader("id", String.class))));
        from("direct:order-history").routeId("order-history").routeConfigurationId(ApiErrorHandling.ID)
                .process(this::history);
        from("direct:order-status").routeId("order-status").routeConfigurationId(ApiErrorHandling.ID)
                .process(e -> {
                    StatusChangeRequest change = requests.read(e, StatusChangeRequest.class);
                    responses.write(e, 200, orders.changeStatus(e.getIn().getHeader("id", String.class), change.status()));
                });
    }

    private void create(Exchange e) throws Exception {
        String key = e.getIn().getHeader("Idempotency-Key", String.class);
        if (key != null && (key.isBlank() || key.length() > 128 || !key.matches("[\\x21-\\x7E]+"))) {
            throw ApiProblem.badRequest("Idempotency-Key must be 1 to 128 visible ASCII characters", java.util.List.of());
        }
        CreateOrderRequest request = requests.read(e, CreateOrderRequest.class);
        OrderService.Created created = orders.create(request, key, hash(request));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Location", "/api/orders/" + created.order().id());
        if (created.replayed()) {
            headers.put("Idempotent-Replayed", "true");
        }
        responses.write(e, 201, ApiResponses.JSON, created.order(), headers);
    }

    private void history(Exchange e) throws Exception {
        String userId = e.getIn().getHeader("userId", String.class);
        if (userId != null && (userId.isBlank() || userId.length() > 64)) {
            throw ApiProblem.field("userId", "must be 1 to 64 characters");
        }
        OrderStatus status = null;
        String statusParam = e.getIn().getHeader("status", String.class);
        if (statusParam != null) {
            try {
                status = OrderStatus.valueOf(statusParam);
            } catch (IllegalArgumentException unknown) {
                throw ApiProblem.field("status", "must be one of " + java.util.Arrays.toString(OrderStatus.values()));
            }
        }
        int limit = DEFAULT_PAGE;
        String limitParam = e.getIn().getHeader("limit", String.class);
        if (limitParam != null) {
            try {
                limit = Integer.parseInt(limitParam);
            } catch (NumberFormatException notANumber) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_PAGE) {
                throw ApiProblem.field("limit", "must be a whole number from 1 to " + MAX_PAGE);
            }
        }
        OrderCursor after = null;
        String token = e.getIn().getHeader("pageToken", String.class);
        if (token != null) {
            try {
                after = OrderCursor.parse(token);
            } catch (RuntimeException malformed) {
                throw ApiProblem.field("pageToken", "is not a token this API gave out");
            }
        }
        OrderService.Page page = orders.history(userId, status, after, limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("orders", page.orders());
        body.put("nextPageToken", page.nextPageToken());
        responses.write(e, 200, body);
    }

    /** Equal for a retry of the same request, whatever its formatting or key order. */
    static String hash(CreateOrderRequest r) {
        String canonical = String.join("\u0000", r.userId(), r.totalAmount().stripTrailingZeros().toPlainString(),
                r.shippingAddress(), r.currencyOrDefault());
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
