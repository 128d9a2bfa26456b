package io.orderpipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicReference;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;

/** The API's platform-http engine: a route answers in the thread that called it, without Spring MVC's async round trip. */
class ApiHttpEngineTest {

    @Test
    void theRouteRunsInTheRequestThreadAndTheAnswerIsWrittenBeforeServiceReturns() throws Exception {
        AtomicReference<Thread> ranOn = new AtomicReference<>();
        try (CamelContext camel = contextWith(e -> {
            ranOn.set(Thread.currentThread());
            e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 201);
            e.getMessage().setBody("pong");
        })) {
            var request = new MockHttpServletRequest("GET", "/api/ping");
            var response = new MockHttpServletResponse();

            Object returned = consumer(camel).service(request, response);

            // null is what Spring MVC takes as "handled": no async request, no dispatch back.
            assertThat(returned).isNull();
            assertThat(request.isAsyncStarted()).isFalse();
            assertThat(ranOn.get()).isSameAs(Thread.currentThread());
            assertThat(response.getStatus()).isEqualTo(201);
            assertThat(response.getContentAsString()).isEqualTo("pong");
        }
    }

    @Test
    void aFailureOutsideTheRouteIsA500AndNothingOfItLeaks() throws Exception {
        try (CamelContext camel = contextWith(e -> { })) {
            var response = new MockHttpServletResponse();
            // No request at all: the consumer fails before the route runs.
            assertThat(consumer(camel).service(null, response)).isNull();
            assertThat(response.getStatus()).isEqualTo(500);
            assertThat(response.getContentAsString()).isEmpty();
        }
    }

    private static CamelContext contextWith(org.apache.camel.Processor route) throws Exception {
        CamelContext camel = new DefaultCamelContext();
        camel.getRegistry().bind("platform-http-engine", new ApiHttpEngine().platformHttpEngine(8080));
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("platform-http:/api/ping").routeId("ping").process(route);
            }
        });
        camel.start();
        return camel;
    }

    private static ApiHttpEngine.OnRequestThread consumer(CamelContext camel) {
        var consumer = (org.apache.camel.component.platform.http.DefaultPlatformHttpConsumer) camel.getRoute("ping").getConsumer();
        return (ApiHttpEngine.OnRequestThread) consumer.getPlatformHttpConsumer();
    }
}
