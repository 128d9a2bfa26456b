package io.orderpipeline.ops;

import io.orderpipeline.platform.ApiDocs;
import io.orderpipeline.platform.ApiErrorHandling;
import io.orderpipeline.platform.ApiRequests;
import io.orderpipeline.platform.ApiResponses;
import io.orderpipeline.platform.ApiSecurity;

import jakarta.servlet.http.HttpServletRequest;

import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestParamType;
import org.springframework.stereotype.Component;

/**
 * The dead-letter console's API: GET /api/dead-letters, POST /api/dead-letters/requeue and
 * /discard. Spring Security lets only the operator in (platform/ApiSecurity); each action is
 * logged with the operator's name.
 */
@Component
public class DeadLetterRoutes extends RouteBuilder {

    static final String SECURITY = "operator";

    private final DeadLetterConsole console;
    private final ApiRequests requests;
    private final ApiResponses responses;

    public DeadLetterRoutes(DeadLetterConsole console, ApiRequests requests, ApiResponses responses) {
        this.console = console;
        this.requests = requests;
        this.responses = responses;
    }

    @Override
    public void configure() {
        var api = rest("/api/dead-letters").tag("dead letters")
                .description("What the pipeline could not deliver, and an operator's requeue or discard (HTTP Basic)");
        api.securityDefinitions().basicAuth(SECURITY, "The operator's login (CONSOLE_USERNAME, CONSOLE_PASSWORD)").end();

        api.get().id("listDeadLetters").description("Dead-lettered outbox rows, the orders they hold, and the undecided "
                        + "records on order.events.dlq and analytics.orders.dlq")
                .produces(ApiResponses.JSON).outType(DeadLetterConsole.DeadLetters.class).security(SECURITY);
        ApiDocs.response(api, 200, "Everything waiting for a decision", DeadLetterConsole.DeadLetters.class)
                .endResponseMessage();
        ApiDocs.problems(api, 401, 500, 503).to("direct:dead-letters-list");

        for (String action : new String[] {"requeue", "discard"}) {
            api.post("/" + action).id(action + "DeadLetters")
                    .description("requeue".equals(action)
                            ? "Send dead letters again: an outbox row goes out first and its held order follows; a topic "
                                    + "record goes back to the topic it came from"
                            : "Give dead letters up: an outbox row's order flows on without it; a topic record is no longer listed")
                    .consumes(ApiResponses.JSON).produces(ApiResponses.JSON)
                    .type(DeadLetterConsole.Target.class).outType(DeadLetterConsole.Outcome.class).security(SECURITY)
                    .param().name("body").type(RestParamType.body).required(true)
                        .description("One outbox row, one topic record, or all").endParam();
            ApiDocs.response(api, 200, "What was done", DeadLetterConsole.Outcome.class).endResponseMessage();
            ApiDocs.problems(api, 400, 401);
            ApiDocs.problem(api, 404, "No such dead letter waits for a decision");
            ApiDocs.problem(api, 409, "Another operator decided on it already, or it cannot go back");
            ApiDocs.problems(api, 413, 415, 500, 503).to("direct:dead-letters-" + action);
        }

        from("direct:dead-letters-list").routeId("dead-letters-list").routeConfigurationId(ApiErrorHandling.ID)
                .process(e -> responses.write(e, 200, console.list()));
        from("direct:dead-letters-requeue").routeId("dead-letters-requeue").routeConfigurationId(ApiErrorHandling.ID)
                .process(e -> requests.requireBody(e, DeadLetterConsole.Target.class))
                .process(e -> responses.write(e, 200, console.requeue(target(e), operator(e))));
        from("direct:dead-letters-discard").routeId("dead-letters-discard").routeConfigurationId(ApiErrorHandling.ID)
                .process(e -> requests.requireBody(e, DeadLetterConsole.Target.class))
                .process(e -> responses.write(e, 200, console.discard(target(e), operator(e))));
    }

    private static DeadLetterConsole.Target target(Exchange e) {
        return e.getIn().getBody(DeadLetterConsole.Target.class);
    }

    /** Set by the console's security chain; never absent here, since the chain lets nobody else in. */
    private static String operator(Exchange e) {
        HttpServletRequest request = e.getIn().getHeader("CamelHttpServletRequest", HttpServletRequest.class);
        Object name = request == null ? null : request.getAttribute(ApiSecurity.OPERATOR);
        if (name == null) {
            throw new IllegalStateException("no authenticated operator on a dead-letter action");
        }
        return name.toString();
    }
}
