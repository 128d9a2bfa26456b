package io.orderpipeline.platform;

import java.util.List;
import java.util.Map;

/**
 * A refusal the client should see, as an RFC 9457 problem document: the status, a short title, a
 * detail in words, and the offending fields when there are any. Thrown anywhere behind the API;
 * the shared API error handling (ApiErrorHandling) writes it out.
 */
public class ApiProblem extends RuntimeException {

    @io.swagger.v3.oas.annotations.media.Schema(name = "FieldError")
    public record FieldError(
            @io.swagger.v3.oas.annotations.media.Schema(description = "The field, as a path into the request", example = "totalAmount")
            String field,
            @io.swagger.v3.oas.annotations.media.Schema(description = "What is wrong with it", example = "must be at least 0.01")
            String message) {
    }

    private final int status;
    private final String title;
    private final List<FieldError> fields;

    public ApiProblem(int status, String title, String detail, List<FieldError> fields) {
        super(detail, null, false, false); // a refusal is no failure: no stack trace to collect
        this.status = status;
        this.title = title;
        this.fields = List.copyOf(fields);
    }

    public ApiProblem(int status, String title, String detail) {
        this(status, title, detail, List.of());
    }

    public static ApiProblem badRequest(String detail, List<FieldError> fields) {
        return new ApiProblem(400, "Invalid request", detail, fields);
    }

    public static ApiProblem field(String field, String message) {
        return badRequest(field + " " + message, List.of(new FieldError(field, message)));
    }

    public static ApiProblem notFound(String detail) {
        return new ApiProblem(404, "Not found", detail);
    }

    public static ApiProblem conflict(String detail) {
        return new ApiProblem(409, "Conflict", detail);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public List<FieldError> fields() {
        return fields;
    }

    public Map<String, Object> extra() {
        return fields.isEmpty() ? Map.of() : Map.of("errors", fields);
    }
}
