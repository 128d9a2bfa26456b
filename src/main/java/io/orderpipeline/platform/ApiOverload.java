package io.orderpipeline.platform;

import java.io.IOException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Overload, answered before Spring MVC and Camel: at most app.api.max-in-flight API requests, and
 * among them at most app.api.max-writes-in-flight order writes (creates and status changes
 * together), are worked on at once; one more is refused at once with 503 and Retry-After: 1,
 * nothing parsed or written, instead of waiting behind the others while the machine is overloaded
 * (make bench's overload stage measures it). The write limit sits below MySQL's pool: more writes
 * at once could only wait for a connection. A permit is the request's until its answer is written.
 * By hand because nothing before it refuses: Tomcat queues what its threads cannot take (it must
 * have more threads than this limit, so that a refusal finds one: checked at startup), and Camel's
 * throttle (concurrent-requests mode, rejectExecution; the first version of the write limit) runs
 * only after the REST binding has parsed the body: at twice the load two cores sustain, those
 * refusals took most of the intake's CPU (README, Benchmarks). After the body limit, which has the
 * body in memory by then (a slow sender holds a Tomcat thread, not one of these places), before
 * the console's login. Refusals are counted in api.requests.refused, tagged by limit.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class ApiOverload extends OncePerRequestFilter {

    private static final Logger log = LoggerFactory.getLogger(ApiOverload.class);

    private final Semaphore inFlight;
    private final Semaphore writes;
    private final ObjectMapper json;
    private final AtomicLong refused = new AtomicLong();
    private final Counter refusedRequests;
    private final Counter refusedWrites;

    public ApiOverload(@Value("${app.api.max-in-flight:64}") int maxInFlight,
                       @Value("${app.api.max-writes-in-flight:24}") int maxWritesInFlight,
                       @Value("${server.tomcat.threads.max:200}") int tomcatThreads, ObjectMapper json, MeterRegistry meters) {
        // (A write limit above the overall one is simply never reached.)
        if (maxWritesInFlight < 1 || maxInFlight < 1 || maxInFlight >= tomcatThreads) {
            throw new IllegalArgumentException("Need app.api.max-writes-in-flight (" + maxWritesInFlight
                    + ") >= 1 and 1 <= app.api.max-in-flight (" + maxInFlight + ") < server.tomcat.threads.max ("
                    + tomcatThreads + "): beyond Tomcat's threads requests would queue instead of being refused");
        }
        this.inFlight = new Semaphore(maxInFlight);
        this.writes = new Semaphore(maxWritesInFlight);
        this.json = json;
        this.refusedRequests = refusedCounter(meters, "requests");
        this.refusedWrites = refusedCounter(meters, "writes");
    }

    private static Counter refusedCounter(MeterRegistry meters, String limit) {
        return Counter.builder("api.requests.refused").tag("limit", limit)
                .description("API requests refused with 503 because app.api.max-in-flight (requests) or "
                        + "app.api.max-writes-in-flight (writes) was reached")
                .register(meters);
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !ApiPaths.isApi(request);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Semaphore write = ApiPaths.isOrderWrite(request) ? writes : null;
        if (!inFlight.tryAcquire()) {
            refusedRequests.increment();
            refuse(request, response, "The server is busy right now");
            return;
        }
        try {
            if (write != null && !write.tryAcquire()) {
                refusedWrites.increment();
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
