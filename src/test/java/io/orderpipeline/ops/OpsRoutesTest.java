package io.orderpipeline.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.orderpipeline.platform.ApiErrorHandling;
import io.orderpipeline.platform.ApiProblem;
import io.orderpipeline.platform.ApiRequests;
import io.orderpipeline.platform.ApiRouteTestSupport;
import io.orderpipeline.platform.ApiSecurity;

import org.apache.camel.Exchange;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.builder.AdviceWith;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

/**
 * Route-level tests of the dead-letter console's and the pipeline view's routes, with the console
 * and the view replaced by mocks: who is named as the operator, what a refusal becomes, and that
 * the view's timer survives a failed refresh.
 */
class OpsRoutesTest extends ApiRouteTestSupport {

    static final List<String> ROUTES = List.of("dead-letters-list", "dead-letters-requeue", "dead-letters-discard",
            "pipeline-view-api");

    final DeadLetterConsole console = mock(DeadLetterConsole.class);
    final PipelineView view = mock(PipelineView.class);

    @Override
    protected RoutesBuilder[] createRouteBuilders() {
        return new RoutesBuilder[] {new ApiErrorHandling(responses), new DeadLetterRoutes(console, new ApiRequests(16384), responses),
            new PipelineViewRoutes(view, responses)};
    }

    @Override
    protected java.util.Properties useOverridePropertiesWithPropertiesComponent() {
        java.util.Properties p = new java.util.Properties();
        p.put("app.ops.view-interval", "60000");
        return p;
    }

    Exchange action(String route, Object body, String operator) throws Exception {
        startWithDirectInputs(ROUTES);
        MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/dead-letters/x");
        if (operator != null) {
            request.setAttribute(ApiSecurity.OPERATOR, operator);
        }
        return call(route, body, Map.of(Exchange.CONTENT_TYPE, "application/json", "CamelHttpServletRequest", request));
    }

    @Test
    void aRequeueIsDoneInTheNameOfTheSignedInOperator() throws Exception {
        var target = new DeadLetterConsole.Target(42L, null, null, null, null, null);
        when(console.requeue(target, "alice")).thenReturn(new DeadLetterConsole.Outcome("requeue", 1, 0));

        Exchange e = action("dead-letters-requeue", target, "alice");

        assertThat(status(e)).isEqualTo(200);
        assertThat(json(e).path("outboxRows").asInt()).isEqualTo(1);
        verify(console).requeue(target, "alice");
    }

    @Test
    void withoutAnOperatorNothingIsDone() throws Exception {
        Exchange e = action("dead-letters-discard", new DeadLetterConsole.Target(null, null, null, null, true, new DeadLetterConsole.UpTo(5, Instant.parse("2026-11-26T10:00:00Z"), Map.of())), null);

        assertThat(status(e)).isEqualTo(500);
        verify(console, never()).discard(any(), anyString());
    }

    @Test
    void aRecordDecidedAlreadyIsA409Problem() throws Exception {
        var target = new DeadLetterConsole.Target(null, "analytics.orders.dlq", 0, 7L, null, null);
        doThrow(ApiProblem.conflict("Record analytics.orders.dlq/0/7 was decided on already")).when(console).discard(target, "bob");

        Exchange e = action("dead-letters-discard", target, "bob");

        assertThat(status(e)).isEqualTo(409);
        assertThat(e.getMessage().getHeader(Exchange.CONTENT_TYPE)).isEqualTo(ApiErrorHandling.PROBLEM_JSON);
        assertThat(json(e).path("detail").asText()).contains("decided on already");
    }

    @Test
    void aBodyThatIsNoTargetIsA400() throws Exception {
        Exchange e = action("dead-letters-requeue", null, "alice");

        assertThat(status(e)).isEqualTo(400);
        verify(console, never()).requeue(any(), anyString());
    }

    @Test
    void theListIsTheConsolesAnswer() throws Exception {
        when(console.list()).thenReturn(new DeadLetterConsole.DeadLetters(List.of(new DeadLetterConsole.OutboxDeadLetter(
                5, "e", "order-1", "OrderCreated", 5, Instant.parse("2026-11-26T10:00:00Z"), "too large", "{}")), List.of(), List.of(), 0, null,
                new DeadLetterConsole.UpTo(5, Instant.parse("2026-11-26T10:00:00Z"), Map.of())));
        startWithDirectInputs(ROUTES);

        Exchange e = call("dead-letters-list", null, Map.of());

        assertThat(status(e)).isEqualTo(200);
        assertThat(json(e).path("outbox").get(0).path("aggregateId").asText()).isEqualTo("order-1");
    }

    @Test
    void thePipelineViewAnswersItsLastNumbersAndItsTimerOutlivesAFailedRefresh() throws Exception {
        when(view.status()).thenReturn(new PipelineView.Status(Instant.parse("2026-11-26T10:00:00Z"),
                new PipelineView.Outbox(3, 1.5, 0, 0), List.of(new PipelineView.Hop("sink", "g", "analytics.orders", 12)),
                new PipelineView.Rates(1, 2, 3), new PipelineView.Freshness(0.2, 0.9, 1.1, 40), Map.of(), null));
        doThrow(new IllegalStateException("Kafka away")).when(view).refresh();
        AdviceWith.adviceWith(context, "pipeline-view", a -> a.replaceFromWith("direct:pipeline-view-tick"));
        startWithDirectInputs(ROUTES);

        Exchange tick = template.request("direct:pipeline-view-tick", x -> { });
        Exchange e = call("pipeline-view-api", null, Map.of());

        assertThat(tick.getException()).as("handled: the next tick tries again").isNull();
        verify(view).refresh();
        assertThat(status(e)).isEqualTo(200);
        assertThat(json(e).path("hops").get(0).path("lag").asLong()).isEqualTo(12);
        assertThat(json(e).path("freshness").path("p99Seconds").asDouble()).isEqualTo(0.9);
    }
}
