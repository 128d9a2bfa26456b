package io.orderpipeline.ops;

import io.orderpipeline.platform.ApiDocs;
import io.orderpipeline.platform.ApiErrorHandling;
import io.orderpipeline.platform.ApiResponses;

import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/** The pipeline view: refreshed on a timer on every instance, served as GET /api/pipeline. */
@Component
public class PipelineViewRoutes extends RouteBuilder {

    private final PipelineView view;
    private final ApiResponses responses;

    public PipelineViewRoutes(PipelineView view, ApiResponses responses) {
        this.view = view;
        this.responses = responses;
    }

    @Override
    public void configure() {
        from("timer:pipeline-view?delay=1000&period={{app.ops.view-interval}}").routeId("pipeline-view")
                .onException(Exception.class).handled(true)
                    .log(LoggingLevel.WARN, "${routeId} failed: ${exception.message}").end()
                .bean(view, "refresh");

        var pipeline = rest("/api/pipeline").tag("pipeline").description("The pipeline's hops, as the metrics show them")
                .produces(ApiResponses.JSON);
        pipeline.get().id("getPipeline")
                .description("Each hop's backlog and lag, events per second per stage, freshness and dead letters per topic")
                .outType(PipelineView.Status.class);
        ApiDocs.response(pipeline, 200, "The numbers of the last refresh (every few seconds)", PipelineView.Status.class)
                .endResponseMessage();
        ApiDocs.problems(pipeline, 500, 503).to("direct:pipeline-view");

        from("direct:pipeline-view").routeId("pipeline-view-api").routeConfigurationId(ApiErrorHandling.ID)
                .process(e -> responses.write(e, 200, view.status()));
    }
}
