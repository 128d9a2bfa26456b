package io.orderpipeline.analytics;

import java.util.Map;

import io.orderpipeline.platform.ApiErrorHandling;
import io.orderpipeline.platform.ApiProblem;
import io.orderpipeline.platform.ApiResponses;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/** GET /api/analytics/...: the dashboard's numbers from ClickHouse, and the reconciliation. */
@Component
public class AnalyticsApiRoutes extends RouteBuilder {

    private final AnalyticsQueries queries;
    private final Reconciliation reconciliation;
    private final ApiResponses responses;

    public AnalyticsApiRoutes(AnalyticsQueries queries, Reconciliation reconciliation, ApiResponses responses) {
        this.queries = queries;
        this.reconciliation = reconciliation;
        this.responses = responses;
    }

    @Override
    public void configure() {
        rest("/api/analytics").description("Dashboard numbers from ClickHouse")
                .get("/daily-sales").description("Orders and revenue per day (?days=30)").to("direct:analytics-daily")
                .get("/hourly-orders").description("Orders and revenue per hour (?hours=24)").to("direct:analytics-hourly")
                .get("/status-distribution").description("Orders per current status (?days=0: all)").to("direct:analytics-status")
                .get("/summary").description("Today's orders, revenue, average order value, freshness").to("direct:analytics-summary")
                .get("/reconciliation").description("MySQL beside ClickHouse; exact=false on any difference").to("direct:analytics-reconcile");

        from("direct:analytics-daily").routeId("analytics-daily").routeConfigurationId(ApiErrorHandling.ID)
                .process(e -> responses.write(e, 200, Map.of("days", queries.dailySales(param(e, "days", 30, 1, 3660)))));
        from("direct:analytics-hourly").routeId("analytics-hourly").routeConfigurationId(ApiErrorHandling.ID)
                .process(e -> responses.write(e, 200, Map.of("hours", queries.hourlyOrders(param(e, "hours", 24, 1, 24 * 31)))));
        from("direct:analytics-status").routeId("analytics-status").routeConfigurationId(ApiErrorHandling.ID)
                .process(e -> responses.write(e, 200, Map.of("statuses", queries.statusDistribution(param(e, "days", 0, 0, 3660)))));
        from("direct:analytics-summary").routeId("analytics-summary").routeConfigurationId(ApiErrorHandling.ID)
                .process(e -> responses.write(e, 200, queries.summary()));
        from("direct:analytics-reconcile").routeId("analytics-reconcile").routeConfigurationId(ApiErrorHandling.ID)
                .process(e -> responses.write(e, 200, reconciliation.run()));
    }

    private static int param(Exchange e, String name, int fallback, int min, int max) {
        String raw = e.getIn().getHeader(name, String.class);
        if (raw == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // refused below
        }
        throw ApiProblem.field(name, "must be a whole number from " + min + " to " + max);
    }
}
