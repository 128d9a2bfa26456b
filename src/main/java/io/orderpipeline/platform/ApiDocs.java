package io.orderpipeline.platform;

import java.util.Map;

import org.apache.camel.model.rest.ResponseMessageDefinition;
import org.apache.camel.model.rest.RestDefinition;

/**
 * The refusals an operation can answer, for the OpenAPI document: each is a problem document.
 * Camel's REST DSL takes them one by one; this keeps every operation's list short and the titles
 * the same everywhere.
 */
public final class ApiDocs {

    private static final Map<Integer, String> MEANING = Map.of(
            400, "The request is not valid: the problem names the offending fields",
            401, "Credentials are missing or wrong",
            404, "No such order",
            409, "The order's state forbids this change",
            413, "The request body is larger than the limit",
            415, "The request body is not application/json",
            422, "The Idempotency-Key was used before with another body",
            500, "An unexpected failure; nothing of it reaches the client but this",
            503, "A database (or, for the console, Kafka) is not reachable right now, or the server is busy (too many "
                    + "requests or order writes in flight); nothing was written. Retry after the Retry-After seconds");

    private ApiDocs() {
    }

    /**
     * Starts a success response of the rest definition's last operation with its model. By the
     * model's binary name: Camel's responseModel(Class) takes the canonical name, which its OpenAPI
     * reader cannot load for a nested class (Reconciliation.Report).
     */
    public static ResponseMessageDefinition response(RestDefinition rest, int status, String message, Class<?> model) {
        ResponseMessageDefinition response = rest.responseMessage().code(status).message(message);
        response.setResponseModel(model.getName());
        return response;
    }

    /** Adds a problem response for each status to the rest definition's last operation. */
    public static RestDefinition problems(RestDefinition rest, int... statuses) {
        for (int status : statuses) {
            problem(rest, status, MEANING.get(status));
        }
        return rest;
    }

    /** Adds a problem response with a meaning of this operation's own. */
    public static RestDefinition problem(RestDefinition rest, int status, String meaning) {
        var message = response(rest, status, meaning, ProblemDocument.class);
        if (status == 503) {
            message.header("Retry-After").description("Seconds to wait before trying again").dataType("integer")
                    .endResponseHeader();
        }
        message.endResponseMessage();
        return rest;
    }
}
