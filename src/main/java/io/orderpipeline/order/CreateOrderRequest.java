package io.orderpipeline.order;

import java.math.BigDecimal;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/**
 * The body of POST /api/orders. The patterns are in the syntax Java and ECMAScript share, so that
 * the OpenAPI document's copy of them works in a client of any language.
 */
@Schema(name = "CreateOrderRequest")
public record CreateOrderRequest(
        @NotBlank @Size(max = 64) @Pattern(regexp = "[^\\x00-\\x1F\\x7F]*", message = "must not contain control characters")
        @Schema(example = "user-42")
        String userId,

        @NotNull @DecimalMin(value = "0.01", message = "must be at least 0.01")
        @DecimalMax(value = "9999999999.99", message = "must be at most 9999999999.99")
        @Digits(integer = 10, fraction = 2, message = "must have at most 2 decimals")
        @Schema(description = "Gross amount: a JSON number with at most two decimals", example = "129.90")
        BigDecimal totalAmount,

        @NotBlank @Size(max = 500) @Pattern(regexp = "[^\\x00-\\x09\\x0B-\\x1F\\x7F]*", message = "must not contain control characters")
        @Schema(example = "1 Main Street, Springfield")
        String shippingAddress,

        @Pattern(regexp = "[A-Z]{3}", message = "must be a 3-letter ISO 4217 code such as USD")
        @Schema(description = "ISO 4217 code; USD when left out", example = "USD")
        String currency) {

    public String currencyOrDefault() {
        return currency == null ? "USD" : currency;
    }
}
