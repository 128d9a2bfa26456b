package io.orderpipeline.analytics;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/** The view keeper's schedule, on one instance at a time (two keepers would correct one drift twice). */
@Component
public class ViewKeeperRoutes extends RouteBuilder {

    @Override
    public void configure() {
        // ClickHouse away: one line, and the next pass tries again.
        onException(Exception.class).handled(true)
                .log(LoggingLevel.WARN, "${routeId} failed: ${exception.message}");

        from("master:view-keeper:timer:view-keeper?delay={{app.keeper.interval}}&period={{app.keeper.interval}}")
                .routeId("view-keeper")
                .autoStartup("{{app.keeper.enabled}}")
                .bean("viewKeeper", "check");
    }
}
