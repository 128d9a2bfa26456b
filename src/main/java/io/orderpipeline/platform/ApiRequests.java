package io.orderpipeline.platform;

import java.io.IOException;
import java.io.InputStream;
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
import jakarta.validation.Validator;

import org.apache.camel.Exchange;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * Reads a JSON request body strictly (right content type, bounded size, no unknown fields, no
 * strings where numbers belong) and validates it with Bean Validation. Every refusal is an
 * ApiProblem naming the field, in words a client can act on.
 */
@Component
public class ApiRequests {

    private final ObjectMapper strict;
    private final Validator validator;
    private final int maxBodyBytes;

    public ApiRequests(Validator validator, @Value("${app.api.max-body-bytes:16384}") int maxBodyBytes) {
        this.validator = validator;
        this.maxBodyBytes = maxBodyBytes;
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

    public <T> T read(Exchange exchange, Class<T> type) {
        requireJson(exchange);
        byte[] body = body(exchange);
        if (body.length == 0) {
            throw ApiProblem.badRequest("The request has no body; a JSON object is expected", List.of());
        }
        T value;
        try {
            value = strict.readValue(body, type);
        } catch (JacksonException e) {
            throw describe(e);
        } catch (IOException e) {
            throw ApiProblem.badRequest("The request body could not be read", List.of());
        }
        if (value == null) {
            throw ApiProblem.badRequest("A JSON object is expected, not null", List.of());
        }
        validate(value);
        return value;
    }

    public <T> void validate(T value) {
        Set<ConstraintViolation<T>> violations = validator.validate(value);
        if (!violations.isEmpty()) {
            List<ApiProblem.FieldError> fields = violations.stream()
                    .map(v -> new ApiProblem.FieldError(v.getPropertyPath().toString(), v.getMessage()))
                    .sorted(Comparator.comparing(ApiProblem.FieldError::field))
                    .toList();
            throw ApiProblem.badRequest(fields.stream().map(f -> f.field() + " " + f.message())
                    .collect(Collectors.joining("; ")), fields);
        }
    }

    private void requireJson(Exchange exchange) {
        String type = exchange.getIn().getHeader(Exchange.CONTENT_TYPE, String.class);
        String mediaType = type == null ? "" : type.split(";")[0].trim().toLowerCase();
        if (!mediaType.equals("application/json")) {
            throw new ApiProblem(415, "Unsupported media type",
                    "Content-Type must be application/json" + (type == null ? "" : ", not " + type));
        }
    }

    private byte[] body(Exchange exchange) {
        Long declared = exchange.getIn().getHeader("Content-Length", Long.class);
        if (declared != null && declared > maxBodyBytes) {
            throw tooLarge();
        }
        try (InputStream in = exchange.getIn().getBody(InputStream.class)) {
            if (in == null) {
                return new byte[0];
            }
            byte[] bytes = in.readNBytes(maxBodyBytes + 1);
            if (bytes.length > maxBodyBytes) {
                throw tooLarge();
            }
            return bytes;
        } catch (IOException e) {
            throw ApiProblem.badRequest("The request body could not be read", List.of());
        }
    }

    private ApiProblem tooLarge() {
        return new ApiProblem(413, "Payload too large", "The request body is larger than " + maxBodyBytes + " bytes");
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
