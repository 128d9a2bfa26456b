package io.orderpipeline.platform;

import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.rest.RestBindingMode;
import org.springframework.stereotype.Component;

/**
 * The REST DSL's configuration, shared by every API (orders, analytics): platform-http, JSON
 * binding, and the OpenAPI document at /api/openapi.json. Apart from the routes so that a route-level test can
 * load an API's routes without an HTTP server.
 */
@Component
public class ApiRestConfiguration extends RouteBuilder {

    private final ApiRequests requests;

    public ApiRestConfiguration(ApiRequests requests) {
        this.requests = requests;
    }

    @Override
    public void configure() {
        getContext().getRegistry().bind("apiRequestJson", requests.strictMapper());
        restConfiguration().component("platform-http")
                // Bodies in and out through camel-jackson: requests with the strict reader, answers
                // with the app's ObjectMapper (jacksonObjectMapper, Spring Boot's).
                .bindingMode(RestBindingMode.json)
                .dataFormatProperty("json.in.objectMapper", "#apiRequestJson")
                .dataFormatProperty("json.out.objectMapper", "#jacksonObjectMapper")
                // Problem documents are written by ApiErrorHandling, never bound again. Said here
                // because the Spring Boot starter's default (false) replaces Camel's (true).
                .skipBindingOnErrorCode(true)
                .apiContextPath("/api/openapi.json")
                .apiProperty("api.title", "Order analytics pipeline")
                .apiProperty("api.description", "E-commerce orders in MySQL, their analytics from ClickHouse. "
                        + "Every refusal is an RFC 9457 problem document.")
                .apiProperty("api.version", "1")
                .apiProperty("openapi.version", "3.0.3")
                .apiProperty("base.path", "/")
                // The server is the one the client used (or X-Forwarded-Proto/-Host/-Prefix from a proxy).
                .useXForwardHeaders(true);
    }
}
