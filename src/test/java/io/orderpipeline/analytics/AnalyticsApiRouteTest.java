package io.orderpipeline.analytics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;


import io.orderpipeline.platform.ApiErrorHandling;
import io.orderpipeline.platform.ApiRouteTestSupport;

import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.junit.jupiter.api.Test;

/** Route-level tests of the analytics API's routes, with the ClickHouse queries replaced by mocks. */
class AnalyticsApiRouteTest extends ApiRouteTestSupport {

    static final List<String> ROUTES = List.of("analytics-daily", "analytics-hourly", "analytics-status",
            "analytics-summary", "analytics-reconcile");

    final AnalyticsQueries queries = mock(AnalyticsQueries.class);

    @Override
    protected RoutesBuilder[] createRouteBuilders() {
        return new RoutesBuilder[] {new ApiErrorHandling(responses),
            new AnalyticsApiRoutes(queries, mock(ReconciliationRoutes.class), responses)};
    }

    Exchange call(String route, Map<String, Object> headers) throws Exception {
        startWithDirectInputs(ROUTES);
        return call(route, null, headers);
    }

    @Test
    void dailySalesAsksForTheRequestedDays() throws Exception {
        when(queries.dailySales(7)).thenReturn(List.of(new AnalyticsQueries.DaySales("2026-11-26", 3, new BigDecimal("30.00"))));

        Exchange e = call("analytics-daily", Map.of("days", "7"));

        assertThat(e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(200);
        assertThat(json(e).path("days").get(0).path("orders").asLong()).isEqualTo(3);
        assertThat(json(e).path("days").get(0).path("revenue").decimalValue()).isEqualByComparingTo("30.00");
    }

    @Test
    void hourlyOrdersDefaultsTo24Hours() throws Exception {
        when(queries.hourlyOrders(24)).thenReturn(List.of());

        Exchange e = call("analytics-hourly", Map.of());

        assertThat(e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(200);
        assertThat(json(e).path("hours").isArray()).isTrue();
        verify(queries).hourlyOrders(24);
    }

    @Test
    void aParameterOutOfRangeIsRefusedBeforeAnyQuery() throws Exception {
        Exchange e = call("analytics-status", Map.of("days", "-1"));

        assertThat(e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(400);
        assertThat(json(e).path("errors").findValuesAsText("field")).containsExactly("days");
        verify(queries, never()).statusDistribution(anyInt());
    }

    @Test
    void clickHouseAwayIsA500ProblemWithoutItsMessage() throws Exception {
        when(queries.summary()).thenThrow(new IllegalStateException("ClickHouse at http://10.0.0.7:8123 not reachable"));

        Exchange e = call("analytics-summary", Map.of());

        assertThat(e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(500);
        assertThat(e.getMessage().getHeader(Exchange.CONTENT_TYPE)).isEqualTo(ApiErrorHandling.PROBLEM_JSON);
        assertThat(e.getMessage().getBody(String.class)).doesNotContain("10.0.0.7");
    }
}
