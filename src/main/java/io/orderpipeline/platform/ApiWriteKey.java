package io.orderpipeline.platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.stereotype.Component;

/**
 * When API_WRITE_KEY is set, order writes (POST /api/orders, POST /api/orders/{id}/status) need it
 * in the X-API-Key header; without it they are refused with 401 before their body is read or a
 * write place taken. Off in the demo. A filter of the API's, like the body limit and the overload
 * bound, rather than a Spring Security chain: Spring Security's filter runs on the console's paths
 * only (ApiSecurity), because on every other request it cost a handler lookup of its own besides
 * DispatcherServlet's.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 3)
public class ApiWriteKey extends ApiFilter {

    private static final Logger log = LoggerFactory.getLogger(ApiWriteKey.class);

    private final byte[] expected;
    private final AuthenticationEntryPoint refuse;

    public ApiWriteKey(@Value("${app.api.write-key:}") String key, ObjectMapper json) {
        // Blank is off, as empty is (a key of spaces could never be sent: Tomcat trims header values).
        this.expected = key.isBlank() ? new byte[0] : key.getBytes(StandardCharsets.UTF_8);
        this.refuse = ApiSecurity.refusal(json, "ApiKey header=\"X-API-Key\"");
        if (expected.length > 0) {
            log.info("Order writes require the X-API-Key header (API_WRITE_KEY is set)");
        }
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        // The decoded path, as Spring MVC routes it: /api/%6Frders must not pass by the key.
        return expected.length == 0 || !isOrderWrite(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String given = request.getHeader("X-API-Key");
        // Constant time: the comparison must not tell how much of a guess was right.
        if (given == null || !MessageDigest.isEqual(expected, given.getBytes(StandardCharsets.UTF_8))) {
            refuse.commence(request, response, null);
            return;
        }
        chain.doFilter(request, response);
    }
}
