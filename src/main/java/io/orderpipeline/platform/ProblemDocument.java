package io.orderpipeline.platform;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * The shape of every refusal, as the OpenAPI document shows it (ApiErrorHandling writes it with
 * Spring's ProblemDetail): RFC 9457, plus the offending fields when there are any.
 */
@Schema(name = "Problem", description = "An RFC 9457 problem document")
public record ProblemDocument(
        @Schema(description = "Always about:blank: the status says what kind of problem it is", example = "about:blank")
        String type,
        @Schema(description = "A short summary of the kind of problem", example = "Invalid request")
        String title,
        @Schema(description = "The HTTP status", example = "400")
        int status,
        @Schema(description = "What was wrong, in words a client can act on", example = "totalAmount must be at least 0.01")
        String detail,
        @Schema(description = "The request path", example = "/api/orders")
        String instance,
        @Schema(description = "The offending fields of the request, when there are any")
        List<ApiProblem.FieldError> errors) {
}
