package io.orderpipeline.platform;

import java.io.IOException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

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
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Overload, answered before anything else: at most app.api.max-in-flight API requests are worked
 * on at once; one more is refused at once with 503 and Retry-After: 1, its body unread and nothing
 * written, instead of waiting behind the others while the machine is overloaded (make bench's
 * overload stage measures it). By hand because nothing before it refuses: Tomcat queues the
 * connections its threads cannot take (it has room for many more threads than this limit, so that a
 * refusal finds one), and Camel's throttle (used for order writes, app.api.max-writes-in-flight)
 * runs only after the body is read and bound. First of the API's filters, before the body limit
 * and the console's login.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
public class ApiOverload extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(ApiOverload.class);

    private final Semaphore inFlight;
    private final ObjectMapper json;
    private final AtomicLong refused = new AtomicLong();

    public ApiOverload(@Value("${app.api.max-in-flight:64}") int maxInFlight, ObjectMapper json) {
        this.inFlight = new Semaphore(maxInFlight);
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (!inFlight.tryAcquire()) {
            refuse(request, response);
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            inFlight.release();
        }
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response) throws IOException {
        // Counted, logged now and then: under overload a line per refusal would add to the load.
        long n = refused.incrementAndGet();
        if (n % 1000 == 1) {
            log.warn("Overloaded: {} request(s) refused with 503 so far (app.api.max-in-flight requests being worked on)", n);
        }
        response.setHeader("Retry-After", "1");
        ApiErrorHandling.send(response, json, request, 503, "Service unavailable",
                "The server is busy right now; nothing was read or written. Try again after Retry-After seconds.");
    }
}
