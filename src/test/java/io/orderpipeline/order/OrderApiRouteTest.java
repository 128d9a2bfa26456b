package io.orderpipeline.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.ArgumentMatchers.isNull;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;


import io.orderpipeline.platform.ApiErrorHandling;
import io.orderpipeline.platform.ApiProblem;
import io.orderpipeline.platform.ApiRequests;
import io.orderpipeline.platform.ApiRouteTestSupport;

import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.CannotGetJdbcConnectionException;

/**
 * Route-level tests of the order API's routes, with OrderService replaced by a mock and the HTTP
 * consumer by direct: endpoints: what each route hands the service, and how it answers.
 */
class OrderApiRouteTest extends ApiRouteTestSupport {

    static final Order ORDER = new Order("o-1", "u-1", new BigDecimal("12.50"), "USD", OrderStatus.PENDING, "1 Main St",
            Instant.parse("2026-11-26T10:00:00Z"), Instant.parse("2026-11-26T10:00:00Z"));

    final OrderService orders = mock(OrderService.class);

    @Override
    protected RoutesBuilder[] createRouteBuilders() {
        return new RoutesBuilder[] {new ApiErrorHandling(responses), new OrderApiRoutes(orders, new ApiRequests(16384), responses)};
    }

    void start() throws Exception {
        startWithDirectInputs(List.of("order-create", "order-get", "order-history", "order-status"));
    }

    @Test
    void createHandsTheServiceTheParsedRequestAndAnswers201WithTheOrdersUrl() throws Exception {
        when(orders.create(any(), eq("key-1"), any())).thenReturn(new OrderService.Created(ORDER, false));
        start();

        Exchange e = call("order-create", new CreateOrderRequest("u-1", new BigDecimal("12.50"), "1 Main St", null),
                Map.of(Exchange.CONTENT_TYPE, "application/json", "Idempotency-Key", "key-1"));

        assertThat(status(e)).isEqualTo(201);
        assertThat(e.getMessage().getHeader("Location")).isEqualTo("/api/orders/o-1");
        assertThat(e.getMessage().getHeader("Idempotent-Replayed")).isNull();
        assertThat(json(e).path("id").asText()).isEqualTo("o-1");
        verify(orders).create(eq(new CreateOrderRequest("u-1", new BigDecimal("12.50"), "1 Main St", null)), eq("key-1"),
                eq(OrderApiRoutes.hash(new CreateOrderRequest("u-1", new BigDecimal("12.5"), "1 Main St", null))));
    }

    @Test
    void aCreateWithoutAKeyHashesNothing() throws Exception {
        when(orders.create(any(), any(), any())).thenReturn(new OrderService.Created(ORDER, false));
        start();

        Exchange e = call("order-create", new CreateOrderRequest("u-1", new BigDecimal("12.50"), "1 Main St", null),
                Map.of(Exchange.CONTENT_TYPE, "application/json"));

        assertThat(status(e)).isEqualTo(201);
        verify(orders).create(eq(new CreateOrderRequest("u-1", new BigDecimal("12.50"), "1 Main St", null)), isNull(),
                isNull());
    }

    @Test
    void aReplayedCreateSaysSo() throws Exception {
        when(orders.create(any(), any(), any())).thenReturn(new OrderService.Created(ORDER, true));
        start();

        Exchange e = call("order-create", new CreateOrderRequest("u-1", new BigDecimal("12.50"), "1 Main St", null),
                Map.of(Exchange.CONTENT_TYPE, "application/json", "Idempotency-Key", "key-1"));

        assertThat(status(e)).isEqualTo(201);
        assertThat(e.getMessage().getHeader("Idempotent-Replayed")).isEqualTo("true");
    }

    @Test
    void anInvalidBodyNeverReachesTheService() throws Exception {
        start();

        Exchange e = call("order-create", new CreateOrderRequest("u-1", new BigDecimal("0.00"), "x", null),
                Map.of(Exchange.CONTENT_TYPE, "application/json"));

        assertThat(status(e)).isEqualTo(400);
        assertThat(e.getMessage().getHeader(Exchange.CONTENT_TYPE)).isEqualTo(ApiErrorHandling.PROBLEM_JSON);
        assertThat(json(e).path("errors").findValuesAsText("field")).containsExactly("totalAmount");
        verify(orders, never()).create(any(), any(), any());
    }

    @Test
    void aBodyThatWasNotJsonIsA415EvenWhenTheBindingCouldParseIt() throws Exception {
        start();

        Exchange e = call("order-status", new StatusChangeRequest(OrderStatus.PAID),
                Map.of(Exchange.CONTENT_TYPE, "text/plain", "id", "o-1"));

        assertThat(status(e)).isEqualTo(415);
        verify(orders, never()).changeStatus(any(), any());
    }

    @Test
    void aMissingOrderIsA404ProblemAndRequestHeadersAreNotEchoed() throws Exception {
        when(orders.get("nope")).thenThrow(ApiProblem.notFound("No order with id nope"));
        start();

        Exchange e = call("order-get", null, Map.of("id", "nope", "Cookie", "secret=1"));

        assertThat(status(e)).isEqualTo(404);
        assertThat(json(e).path("detail").asText()).isEqualTo("No order with id nope");
        assertThat(e.getMessage().getHeaders()).doesNotContainKey("Cookie");
    }

    @Test
    void historyPassesTheFiltersAndTheCursorOnAndReturnsTheNextToken() throws Exception {
        OrderCursor cursor = new OrderCursor(Instant.parse("2026-11-26T09:00:00Z"), "o-0");
        when(orders.history(eq("u-1"), eq(OrderStatus.PAID), eq(cursor), eq(5)))
                .thenReturn(new OrderPage(List.of(ORDER), "next-token"));
        start();

        Exchange e = call("order-history", null, Map.of("userId", "u-1", "status", "PAID", "limit", "5",
                "pageToken", cursor.token()));

        assertThat(status(e)).isEqualTo(200);
        assertThat(json(e).path("orders").get(0).path("id").asText()).isEqualTo("o-1");
        assertThat(json(e).path("nextPageToken").asText()).isEqualTo("next-token");
    }

    @Test
    void historyRefusesALimitOutOfRangeBeforeAnyQuery() throws Exception {
        start();

        Exchange e = call("order-history", null, Map.of("limit", "101"));

        assertThat(status(e)).isEqualTo(400);
        assertThat(json(e).path("errors").findValuesAsText("field")).containsExactly("limit");
        verify(orders, never()).history(any(), any(), any(), anyInt());
    }

    @Test
    void aForbiddenStatusChangeIsA409() throws Exception {
        when(orders.changeStatus("o-1", OrderStatus.DELIVERED))
                .thenThrow(ApiProblem.conflict("An order in status PENDING cannot become DELIVERED"));
        start();

        Exchange e = call("order-status", new StatusChangeRequest(OrderStatus.DELIVERED),
                Map.of(Exchange.CONTENT_TYPE, "application/json", "id", "o-1"));

        assertThat(status(e)).isEqualTo(409);
        assertThat(json(e).path("title").asText()).isEqualTo("Conflict");
    }

    @Test
    void anUnreachableDatabaseIsA503WithRetryAfter() throws Exception {
        when(orders.changeStatus(any(), any())).thenThrow(new CannotGetJdbcConnectionException("pool exhausted"));
        start();

        Exchange e = call("order-status", new StatusChangeRequest(OrderStatus.PAID),
                Map.of(Exchange.CONTENT_TYPE, "application/json", "id", "o-1"));

        assertThat(status(e)).isEqualTo(503);
        assertThat(e.getMessage().getHeader("Retry-After")).isEqualTo("5");
        assertThat(e.getMessage().getBody(String.class)).doesNotContain("pool exhausted");
    }

    @Test
    void anUnexpectedFailureIsA500WithoutDetails() throws Exception {
        when(orders.get(any())).thenThrow(new IllegalStateException("invariant broken in table orders"));
        start();

        Exchange e = call("order-get", null, Map.of("id", "o-1"));

        assertThat(status(e)).isEqualTo(500);
        assertThat(e.getMessage().getBody(String.class)).doesNotContain("invariant", "Exception");
    }
}
