package io.orderpipeline.platform;

import java.io.IOException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Overload, answered before Spring MVC and Camel: order writes (creates and status changes
 * together) have app.api.max-writes-in-flight places, every other API request (history, analytics,
 * the console) app.api.max-in-flight; a request finding its places taken is refused with 503 and
 * Retry-After: 1, nothing parsed or written, instead of waiting behind the others while the machine
 * is overloaded (make bench's overload stage measures it). Separate places so that slow reads (a
 * ClickHouse that hangs, a dashboard storm) never turn orders away. The write limit sits below
 * MySQL's pool: more writes at once could only wait for a connection. A place is the request's
 * until its answer is written.
 *
 * <p>An order write finding every place taken waits for one, in arrival order, up to
 * app.api.write-wait-ms, if fewer than app.api.max-writes-waiting wait already; else it is refused
 * at once. At 1,000 orders/s a pause of a few tens of milliseconds (a GC, a busy core) fills the
 * places, and every write of that moment would be refused although the machine keeps up over the
 * second (longer bursts still are: README, Benchmarks); under a lasting overload the waiting places
 * are full and the excess is still refused at once.
 * By hand because nothing before it refuses: Tomcat queues what its threads cannot take (it must
 * have more threads than both limits and the waiting writes together, so that a refusal finds one:
 * checked at startup),
 * and Camel's throttle (concurrent-requests mode, rejectExecution; the first version of the write
 * limit) runs only after the REST binding has parsed the body: at twice the load two cores sustain,
 * those refusals took most of the intake's CPU (README, Benchmarks). After the body limit, which
 * has the body in memory by then (a slow sender holds a Tomcat thread, not one of these places),
 * before the console's login. Refusals are counted in api.requests.refused, tagged by limit.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
public class ApiOverload extends ApiFilter {

    private static final Logger log = LoggerFactory.getLogger(ApiOverload.class);

    /** One limit: its places, those waiting for one and for how long, its refusal counter, and what a refusal says. */
    private record Limit(Semaphore places, Semaphore waiting, long waitNanos, Counter refused, String busy) {
    }

    private final Limit writes;
    private final Limit others;
    private final ObjectMapper json;

    public ApiOverload(@Value("${app.api.max-in-flight:64}") int maxInFlight,
                       @Value("${app.api.max-writes-in-flight:24}") int maxWritesInFlight,
                       @Value("${app.api.max-writes-waiting:24}") int maxWritesWaiting,
                       @Value("${app.api.write-wait-ms:100}") long writeWaitMs,
                       @Value("${server.tomcat.threads.max:200}") int tomcatThreads, ObjectMapper json, MeterRegistry meters) {
        int waiting = writeWaitMs > 0 ? maxWritesWaiting : 0;
        if (maxWritesInFlight < 1 || maxInFlight < 1 || maxWritesWaiting < 0 || writeWaitMs < 0
                || maxInFlight + maxWritesInFlight + waiting >= tomcatThreads) {
            throw new IllegalArgumentException("Need app.api.max-in-flight (" + maxInFlight + ") and "
                    + "app.api.max-writes-in-flight (" + maxWritesInFlight + ") at least 1, "
                    + "app.api.max-writes-waiting (" + maxWritesWaiting + ") and app.api.write-wait-ms (" + writeWaitMs
                    + ") at least 0, and the places (with those waiting, when writes wait) together below "
                    + "server.tomcat.threads.max (" + tomcatThreads
                    + "): beyond Tomcat's threads requests would queue instead of being refused");
        }
        // Fair: a write that waits gets the next free place before one that has just come.
        this.writes = new Limit(new Semaphore(maxWritesInFlight, true), new Semaphore(waiting),
                TimeUnit.MILLISECONDS.toNanos(writeWaitMs), refusedCounter(meters, "writes"),
                "Too many orders are being written right now");
        Gauge.builder("api.writes.waiting", writes.places(), Semaphore::getQueueLength)
                .description("Order writes waiting for a place (app.api.max-writes-waiting at most)").register(meters);
        this.others = new Limit(new Semaphore(maxInFlight), new Semaphore(0), 0, refusedCounter(meters, "requests"),
                "The server is busy right now");
        this.json = json;
    }

    private static Counter refusedCounter(MeterRegistry meters, String limit) {
        return Counter.builder("api.requests.refused").tag("limit", limit)
                .description("API requests refused with 503: order writes beyond app.api.max-writes-in-flight "
                        + "(writes), other API requests beyond app.api.max-in-flight (requests)")
                .register(meters);
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Limit limit = isOrderWrite(request) ? writes : others;
        if (!admitted(limit)) {
            refuse(request, response, limit);
            return;
        }
        try {
            chain.doFilter(request, response);
        } finally {
            limit.places().release();
        }
    }

    /** A place now, or after waiting for one (if a waiting place is free) up to the limit's wait. */
    private static boolean admitted(Limit limit) {
        if (limit.waitNanos() == 0) {
            return limit.places().tryAcquire();
        }
        try {
            // tryAcquire(0, ...), not tryAcquire(): it does not jump ahead of the writes waiting.
            if (limit.places().tryAcquire(0, TimeUnit.NANOSECONDS)) {
                return true;
            }
            if (!limit.waiting().tryAcquire()) {
                return false;
            }
            try {
                return limit.places().tryAcquire(limit.waitNanos(), TimeUnit.NANOSECONDS);
            } finally {
                limit.waiting().release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void refuse(HttpServletRequest request, HttpServletResponse response, Limit limit) throws IOException {
        limit.refused().increment();
        // Logged now and then: under overload a line per refusal would add to the load.
        long n = (long) (writes.refused().count() + others.refused().count());
        if (n % 1000 == 1) {
            log.warn("Overloaded: {} request(s) refused with 503 so far (app.api.max-in-flight or "
                    + "app.api.max-writes-in-flight reached)", n);
        }
        response.setHeader("Retry-After", "1");
        ApiErrorHandling.send(response, json, request, 503, "Service unavailable",
                limit.busy() + "; nothing was read or written. Try again after Retry-After seconds.");
    }
}
