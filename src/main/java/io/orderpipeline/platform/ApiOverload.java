package io.orderpipeline.platform;

import java.util.concurrent.RejectedExecutionException;

import jakarta.servlet.http.HttpServletRequest;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Overload, answered before Camel: camel-platform-http hands each request to Spring's task
 * executor, whose queue is bounded (spring.task.execution.pool.queue-capacity). A request it has no
 * room for is refused here at once, 503 with Retry-After, nothing read or written; waiting in an
 * endless queue would only make every answer late. (Inside the routes, order writes have a limit
 * of their own: app.api.max-writes-in-flight.) Spring Boot builds that executor only while the app
 * defines no Executor bean of its own, and platform-http takes the first it finds: a new Executor
 * bean (or virtual threads) would quietly lift the bound.
 */
@RestControllerAdvice
public class ApiOverload {

    private static final Logger log = LoggerFactory.getLogger(ApiOverload.class);
    private final java.util.concurrent.atomic.AtomicLong refused = new java.util.concurrent.atomic.AtomicLong();

    @ExceptionHandler(RejectedExecutionException.class)
    ResponseEntity<ProblemDetail> busy(HttpServletRequest request) {
        // Counted, logged now and then: under overload a line per refusal would add to the load.
        long n = refused.incrementAndGet();
        if (n % 1000 == 1) {
            log.warn("Overloaded: {} request(s) refused with 503 so far (every HTTP worker busy and the queue full)", n);
        }
        return ResponseEntity.status(503).contentType(MediaType.APPLICATION_PROBLEM_JSON).header(HttpHeaders.RETRY_AFTER, "1")
                .body(ApiErrorHandling.problem(503, "Service unavailable", "The server is busy right now; nothing was "
                        + "read or written. Try again after Retry-After seconds.", request.getRequestURI()));
    }
}
