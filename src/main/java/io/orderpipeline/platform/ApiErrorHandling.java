package io.orderpipeline.platform;

import java.io.IOException;
import java.util.Map;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.apache.camel.Exchange;
import org.apache.camel.component.bean.validator.BeanValidationException;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.ProblemDetail;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * Error handling shared by every HTTP API route (Java or YAML: reference "api-errors"). Every
 * refusal becomes an RFC 9457 problem document; an unreachable database is a 503; anything else a
 * 500 whose details stay in the log. No stack trace or class name reaches a client.
 */
@Component
public class ApiErrorHandling extends RouteConfigurationBuilder {

    public static final String ID = "api-errors";
    public static final String PROBLEM_JSON = "application/problem+json";

    private static final Logger log = LoggerFactory.getLogger(ApiErrorHandling.class);

    private final ApiResponses responses;

    public ApiErrorHandling(ApiResponses responses) {
        this.responses = responses;
    }

    @Override
    public void configuration() {
        routeConfiguration(ID)
                .onException(ApiProblem.class).handled(true)
                    .process(e -> problem(e, e.getProperty(Exchange.EXCEPTION_CAUGHT, ApiProblem.class)))
                .end()
                // The REST binding could not parse the body.
                .onException(JacksonException.class).handled(true)
                    .process(e -> problem(e, ApiRequests.unreadable(e, e.getProperty(Exchange.EXCEPTION_CAUGHT,
                            JacksonException.class))))
                .end()
                .onException(BeanValidationException.class).handled(true)
                    .process(e -> problem(e, ApiRequests.invalid(e.getProperty(Exchange.EXCEPTION_CAUGHT,
                            BeanValidationException.class).getConstraintViolations())))
                .end()
                .onException(CannotGetJdbcConnectionException.class, CannotCreateTransactionException.class,
                        DataAccessResourceFailureException.class, QueryTimeoutException.class,
                        TransientDataAccessException.class).handled(true)
                    .process(e -> unavailable(e, "Database", "The order database is not reachable right now; nothing was "
                            + "written. Try again shortly.", "5"))
                .end()
                // A request arriving while Camel shuts down: the answer comes at once, nothing was written.
                .onException(java.util.concurrent.RejectedExecutionException.class).handled(true)
                    .process(e -> unavailable(e, null, "The server is shutting down; nothing was written. "
                            + "Try again after Retry-After seconds.", "1"))
                .end()
                // Only the dead-letter console asks Kafka while a caller waits; a lasting refusal
                // (too large, not authorized) is no 503 but a 500 below.
                .onException(org.apache.kafka.common.errors.RetriableException.class).handled(true)
                    .process(e -> unavailable(e, "Kafka", "Kafka did not answer in time; what was decided before is kept. "
                            + "Try again shortly.", "5"))
                .end()
                .onException(Exception.class).handled(true)
                    .process(e -> {
                        Throwable cause = e.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
                        log.error("Unexpected failure for {} {}", e.getIn().getHeader(Exchange.HTTP_METHOD),
                                e.getIn().getHeader(Exchange.HTTP_PATH), cause);
                        write(e, 500, "Internal error", "The request could not be completed.", Map.of(), Map.of());
                    })
                .end();
    }

    /** A 503 with Retry-After; a service that is away (named) is logged, a refusal while shutting down is not. */
    private void unavailable(Exchange e, String service, String detail, String retryAfterSeconds) throws Exception {
        if (service != null) {
            log.warn("{} unavailable for {} {}: {}", service, e.getIn().getHeader(Exchange.HTTP_METHOD),
                    e.getIn().getHeader(Exchange.HTTP_PATH), e.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class).toString());
        }
        write(e, 503, "Service unavailable", detail, Map.of(), Map.of("Retry-After", retryAfterSeconds));
    }

    /** A problem document; the request path as its instance, unless it is no valid URI (then left out, not echoed). */
    static ProblemDetail problem(int status, String title, String detail, String path) {
        ProblemDetail problem = ProblemDetail.forStatus(status);
        problem.setTitle(title);
        problem.setDetail(detail);
        if (path != null) {
            try {
                problem.setInstance(java.net.URI.create(path.startsWith("/") ? path : "/" + path));
            } catch (IllegalArgumentException notAUri) {
                // left out
            }
        }
        return problem;
    }

    /** A problem document written straight to the servlet response, by the filters that answer before Camel. */
    static void send(HttpServletResponse response, ObjectMapper json, HttpServletRequest request, int status, String title,
                     String detail) throws IOException {
        response.setStatus(status);
        response.setContentType(PROBLEM_JSON);
        response.getOutputStream().write(json.writeValueAsBytes(problem(status, title, detail, request.getRequestURI())));
    }

    private void problem(Exchange exchange, ApiProblem p) throws Exception {
        write(exchange, p.status(), p.title(), p.getMessage(), p.extra(), Map.of());
    }

    private void write(Exchange exchange, int status, String title, String detail, Map<String, Object> extra,
                       Map<String, String> headers) throws Exception {
        ProblemDetail problem = problem(status, title, detail, exchange.getIn().getHeader(Exchange.HTTP_PATH, String.class));
        extra.forEach(problem::setProperty);
        responses.write(exchange, status, PROBLEM_JSON, problem, headers);
    }
}
