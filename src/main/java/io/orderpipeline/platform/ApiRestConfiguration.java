package io.orderpipeline.platform;

import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * The REST DSL's configuration, shared by every API (orders, analytics): platform-http, and the
 * OpenAPI document at /api/openapi.json. Apart from the routes so that a route-level test can
 * load an API's routes without an HTTP server.
 */
@Component
public class ApiRestConfiguration extends RouteBuilder {

    @Override
    public void configure() {
        restConfiguration().component("platform-http")
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
