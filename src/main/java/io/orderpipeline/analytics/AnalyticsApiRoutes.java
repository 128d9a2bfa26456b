package io.orderpipeline.analytics;

import io.orderpipeline.analytics.AnalyticsQueries.DailySales;
import io.orderpipeline.analytics.AnalyticsQueries.HourlyOrders;
import io.orderpipeline.analytics.AnalyticsQueries.StatusDistribution;
import io.orderpipeline.analytics.AnalyticsQueries.Summary;
import io.orderpipeline.platform.ApiDocs;
import io.orderpipeline.platform.ApiErrorHandling;
import io.orderpipeline.platform.ApiProblem;
import io.orderpipeline.platform.ApiResponses;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestParamType;
import org.springframework.stereotype.Component;

/** GET /api/analytics/...: the dashboard's numbers from ClickHouse, and the reconciliation. */
@Component
public class AnalyticsApiRoutes extends RouteBuilder {

    private final AnalyticsQueries queries;
    private final ReconciliationRoutes reconciliation;
    private final ApiResponses responses;

    public AnalyticsApiRoutes(AnalyticsQueries queries, ReconciliationRoutes reconciliation, ApiResponses responses) {
        this.queries = queries;
        this.reconciliation = reconciliation;
        this.responses = responses;
    }

    @Override
    public void configure() {
        var analytics = rest("/api/analytics").tag("analytics").description("Dashboard numbers from ClickHouse")
                .produces(ApiResponses.JSON);
        analytics.get("/daily-sales").id("getDailySales").description("Orders and gross revenue per day of creation")
                .outType(DailySales.class)
                .param().name("days").type(RestParamType.query).dataType("integer").required(false).defaultValue("30")
                    .description("The last N days, 1 to 3660").endParam();
        ApiDocs.response(analytics, 200, "One entry per day with orders, oldest first", DailySales.class)
                .endResponseMessage();
        ApiDocs.problems(analytics, 400, 500, 503).to("direct:analytics-daily");

        analytics.get("/hourly-orders").id("getHourlyOrders").description("Orders and gross revenue per hour of creation")
                .outType(HourlyOrders.class)
                .param().name("hours").type(RestParamType.query).dataType("integer").required(false).defaultValue("24")
                    .description("The last N hours, 1 to 744").endParam();
        ApiDocs.response(analytics, 200, "One entry per hour with orders, oldest first", HourlyOrders.class)
                .endResponseMessage();
        ApiDocs.problems(analytics, 400, 500, 503).to("direct:analytics-hourly");

        analytics.get("/status-distribution").id("getStatusDistribution").description("Orders per current status")
                .outType(StatusDistribution.class)
                .param().name("days").type(RestParamType.query).dataType("integer").required(false).defaultValue("0")
                    .description("Orders created in the last N days, 0 to 3660 (0: all)").endParam();
        ApiDocs.response(analytics, 200, "One entry per status that has orders", StatusDistribution.class)
                .endResponseMessage();
        ApiDocs.problems(analytics, 400, 500, 503).to("direct:analytics-status");

        analytics.get("/summary").id("getSummary").description("Today's orders, revenue, average order value, freshness")
                .outType(Summary.class);
        ApiDocs.response(analytics, 200, "Today's figures", Summary.class).endResponseMessage();
        ApiDocs.problems(analytics, 500, 503).to("direct:analytics-summary");

        analytics.get("/reconciliation").id("getReconciliation")
                .description("MySQL beside ClickHouse as of a watermark both have passed; exact=false on any difference")
                .outType(Reconciliation.Report.class);
        ApiDocs.response(analytics, 200, "The comparison, key by key", Reconciliation.Report.class).endResponseMessage();
        ApiDocs.problems(analytics, 500, 503).to("direct:analytics-reconcile");

        from("direct:analytics-daily").routeId("analytics-daily").routeConfigurationId(ApiErrorHandling.ID)
                .process(e -> responses.write(e, 200, new DailySales(
                        queries.dailySales(param(e, "days", 30, 1, 3660)))));
        from("direct:analytics-hourly").routeId("analytics-hourly").routeConfigurationId(ApiErrorHandling.ID)
                .process(e -> responses.write(e, 200, new HourlyOrders(
                        queries.hourlyOrders(param(e, "hours", 24, 1, 24 * 31)))));
        from("direct:analytics-status").routeId("analytics-status").routeConfigurationId(ApiErrorHandling.ID)
                .process(e -> responses.write(e, 200, new StatusDistribution(
                        queries.statusDistribution(param(e, "days", 0, 0, 3660)))));
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
