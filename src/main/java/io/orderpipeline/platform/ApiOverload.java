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
 * Overload, answered before anything else: at most app.api.max-in-flight API requests, and among
 * them at most app.api.max-writes-in-flight order writes (creates and status changes together), are
 * worked on at once; one more is refused at once with 503 and Retry-After: 1, its body unread and
 * nothing written, instead of waiting behind the others while the machine is overloaded (make
 * bench's overload stage measures it). The write limit sits below MySQL's pool, which the reads
 * share: more writes at once could only wait for a connection. A permit is the request's until its
 * answer is written.
 * By hand because nothing before it refuses: Tomcat queues what its threads cannot take (it has
 * room for more threads than this limit, so that a refusal finds one), and Camel's throttle
 * (concurrent-requests mode, rejectExecution; the first version of the write limit) runs only after
 * the REST binding has read and parsed the body: at twice the load two cores sustain, those
 * refusals took most of the intake's CPU (README, Benchmarks). First of the API's filters, before
 * the body limit and the console's login.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
public class ApiOverload extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(ApiOverload.class);

    private static final org.springframework.web.util.UrlPathHelper PATHS = new org.springframework.web.util.UrlPathHelper();

    private final Semaphore inFlight;
    private final Semaphore writes;
    private final ObjectMapper json;
    private final AtomicLong refused = new AtomicLong();

    public ApiOverload(@Value("${app.api.max-in-flight:64}") int maxInFlight,
                       @Value("${app.api.max-writes-in-flight:24}") int maxWritesInFlight, ObjectMapper json) {
        this.inFlight = new Semaphore(maxInFlight);
        this.writes = new Semaphore(maxWritesInFlight);
        this.json = json;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith("/api/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Semaphore write = isOrderWrite(request) ? writes : null;
        if (!inFlight.tryAcquire()) {
            refuse(request, response, "The server is busy right now");
            return;
        }
        try {
            if (write != null && !write.tryAcquire()) {
                refuse(request, response, "Too many orders are being written right now");
                return;
            }
            try {
                chain.doFilter(request, response);
            } finally {
                if (write != null) {
                    write.release();
                }
            }
        } finally {
            inFlight.release();
        }
    }

    /** POST /api/orders and POST /api/orders/{id}/status; the decoded path, as Spring MVC routes it. */
    private static boolean isOrderWrite(HttpServletRequest request) {
        return "POST".equals(request.getMethod()) && PATHS.getPathWithinApplication(request).startsWith("/api/orders");
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, String why) throws IOException {
        // Counted, logged now and then: under overload a line per refusal would add to the load.
        long n = refused.incrementAndGet();
        if (n % 1000 == 1) {
            log.warn("Overloaded: {} request(s) refused with 503 so far (app.api.max-in-flight or "
                    + "app.api.max-writes-in-flight reached)", n);
        }
        response.setHeader("Retry-After", "1");
        ApiErrorHandling.send(response, json, request, 503, "Service unavailable",
                why + "; nothing was read or written. Try again after Retry-After seconds.");
    }
}
