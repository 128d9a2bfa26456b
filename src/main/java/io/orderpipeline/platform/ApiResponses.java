package io.orderpipeline.platform;

import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Sets an API route's answer: status, body, and only the headers meant for the client. A JSON
 * answer stays an object, which the REST binding writes with the app's ObjectMapper; a problem
 * document is written here, because the binding leaves error statuses as they are.
 */
@Component
public class ApiResponses {

    public static final String JSON = "application/json";

    private final ObjectMapper json;

    public ApiResponses(ObjectMapper json) {
        this.json = json;
    }

    public void write(Exchange exchange, int status, Object body) throws Exception {
        write(exchange, status, JSON, body, Map.of());
    }

    public void write(Exchange exchange, int status, String contentType, Object body, Map<String, String> headers)
            throws Exception {
        var in = exchange.getMessage();
        // Request headers would otherwise be echoed back to the client.
        in.removeHeaders("*");
        headers.forEach(in::setHeader);
        in.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        in.setHeader(Exchange.CONTENT_TYPE, contentType);
        in.setBody(status < 300 && JSON.equals(contentType) ? body : json.writeValueAsString(body));
    }
}
