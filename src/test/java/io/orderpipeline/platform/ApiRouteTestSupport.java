package io.orderpipeline.platform;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.camel.Exchange;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.test.junit5.CamelTestSupport;
import org.springframework.http.converter.json.Jackson2ObjectMapperBuilder;

/**
 * Route-level tests of API routes: each route's HTTP consumer replaced by a direct: endpoint of
 * the route's id, fed what the REST binding hands a route, and the answer read as a client would.
 */
public abstract class ApiRouteTestSupport extends CamelTestSupport {

    /** Configured as Spring Boot configures the app's (problem details' properties, ISO times). */
    protected static final ObjectMapper JSON = Jackson2ObjectMapperBuilder.json().build();

    protected final ApiResponses responses = new ApiResponses(JSON);

    @Override
    public boolean isUseAdviceWith() {
        return true;
    }

    /** Starts the context with each of these routes fed by direct:ROUTE-ID. */
    protected void startWithDirectInputs(List<String> routes) throws Exception {
        for (String route : routes) {
            AdviceWith.adviceWith(context, route, a -> a.replaceFromWith("direct:" + route));
        }
        context.start();
    }

    /** As the REST binding hands a route its request: headers, and the body parsed into the operation's type. */
    protected Exchange call(String route, Object body, Map<String, Object> headers) {
        return template.request("direct:" + route, e -> {
            e.getIn().setHeaders(new HashMap<>(headers));
            e.getIn().setBody(body);
        });
    }

    /** The answer as the client would read it: a success is an object the binding writes, a problem a string. */
    protected static JsonNode json(Exchange e) throws Exception {
        Object body = e.getMessage().getBody();
        return body instanceof String text ? JSON.readTree(text) : JSON.valueToTree(body);
    }

    protected static int status(Exchange e) {
        return e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
    }
}
