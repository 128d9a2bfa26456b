package io.orderpipeline.order;

import java.math.BigDecimal;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

/** The body of POST /api/orders. */
public record CreateOrderRequest(
        @NotBlank @Size(max = 64) @Pattern(regexp = "[^\\p{Cntrl}]*", message = "must not contain control characters")
        String userId,

        @NotNull @DecimalMin(value = "0.01", message = "must be at least 0.01")
        @DecimalMax(value = "9999999999.99", message = "must be at most 9999999999.99")
        @Digits(integer = 10, fraction = 2, message = "must have at most 2 decimals")
        BigDecimal totalAmount,

        @NotBlank @Size(max = 500) @Pattern(regexp = "[^\\p{Cntrl}&&[^\\n]]*", message = "must not contain control characters")
        String shippingAddress,

        @Pattern(regexp = "[A-Z]{3}", message = "must be a 3-letter ISO 4217 code such as USD")
        String currency) {

    public String currencyOrDefault() {
        return currency == null ? "USD" : currency;
    }
}
