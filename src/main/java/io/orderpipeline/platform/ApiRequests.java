package io.orderpipeline.platform;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import jakarta.validation.ConstraintViolation;

import org.apache.camel.Exchange;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * What the API asks of a request body beyond Camel's REST binding: the strict JSON reader the
 * binding parses with (no unknown fields, no strings where numbers belong, BigDecimal amounts,
 * bounded numbers and nesting), the content type, and refusals in words a client can act on, each
 * an ApiProblem naming the field. The size limit comes before (ApiBodyLimit), Bean Validation after
 * (the bean-validator endpoint).
 */
@Component
public class ApiRequests {

    private final ObjectMapper strict;

    public ApiRequests(@Value("${app.api.max-body-bytes:16384}") int maxBodyBytes) {
        this.strict = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                // A number or a boolean where text belongs is a client error, not text.
                .withCoercionConfig(LogicalType.Textual, text -> text
                        .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                        .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
                .build();
        this.strict.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNumberLength(64).maxStringLength(maxBodyBytes).maxNestingDepth(16).build());
    }

    /** The JSON reader the REST binding parses request bodies with (bound as apiRequestJson). */
    public ObjectMapper strictMapper() {
        return strict;
    }

    /**
     * Refuses a request whose body the REST binding did not parse into the type, or that was not
     * sent as JSON. By hand because the binding parses any content type as JSON when the binding
     * mode is json, and passes an empty body on unparsed (RestBindingAdvice.unmarshal, camel-support 4.17).
     */
    public void requireBody(Exchange exchange, Class<?> type) {
        if (!isJson(exchange)) {
            throw unsupportedType(exchange);
        }
        if (!type.isInstance(exchange.getIn().getBody())) {
            throw ApiProblem.badRequest("The request has no body; a JSON object is expected", List.of());
        }
    }

    /** Bean Validation's findings (the bean-validator endpoint's) as a problem naming each field. */
    public static ApiProblem invalid(Set<? extends ConstraintViolation<?>> violations) {
        List<ApiProblem.FieldError> fields = violations.stream()
                .map(v -> new ApiProblem.FieldError(v.getPropertyPath().toString(), v.getMessage()))
                .sorted(Comparator.comparing(ApiProblem.FieldError::field))
                .toList();
        return ApiProblem.badRequest(fields.stream().map(f -> f.field() + " " + f.message())
                .collect(Collectors.joining("; ")), fields);
    }

    /** A request whose body the binding could not parse: 415 when it was not JSON to begin with. */
    public static ApiProblem unreadable(Exchange exchange, JacksonException e) {
        if (!isJson(exchange)) {
            return unsupportedType(exchange);
        }
        return describe(e);
    }

    private static boolean isJson(Exchange exchange) {
        String type = exchange.getIn().getHeader(Exchange.CONTENT_TYPE, String.class);
        return type != null && type.split(";")[0].trim().equalsIgnoreCase("application/json");
    }

    private static ApiProblem unsupportedType(Exchange exchange) {
        String type = exchange.getIn().getHeader(Exchange.CONTENT_TYPE, String.class);
        return new ApiProblem(415, "Unsupported media type",
                "Content-Type must be application/json" + (type == null ? "" : ", not " + type));
    }

    private static ApiProblem describe(JacksonException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            return ApiProblem.field(path(unknown), "is not a known field");
        }
        if (e instanceof InvalidFormatException invalid && invalid.getTargetType() != null
                && invalid.getTargetType().isEnum()) {
            return ApiProblem.field(path(invalid), "must be one of " + Arrays.toString(invalid.getTargetType().getEnumConstants()));
        }
        if (e instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
            return ApiProblem.field(path(mismatch), "has the wrong type: expected " + expected(mismatch.getTargetType()));
        }
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            return ApiProblem.field(path(mapping), "is not valid");
        }
        String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr() + ", column "
                + e.getLocation().getColumnNr();
        return ApiProblem.badRequest("The request body is not a valid JSON object" + where, List.of());
    }

    private static String path(JsonMappingException e) {
        List<String> parts = new ArrayList<>();
        for (JsonMappingException.Reference ref : e.getPath()) {
            parts.add(ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]");
        }
        return String.join(".", parts).replace(".[", "[");
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
            return "a number";
        }
        if (CharSequence.class.isAssignableFrom(type)) {
            return "a string";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.toString(type.getEnumConstants());
        }
        return "an object";
    }
}
