package io.orderpipeline.order;

import java.math.BigDecimal;
import java.time.Instant;

import io.swagger.v3.oas.annotations.media.Schema;

/** An order as stored in MySQL and shown by the API. */
@Schema(name = "Order")
public record Order(
        @Schema(description = "The order's id", example = "01a21730-be3b-7c4e-9b1d-3f5a8e2c6d70") String id,
        @Schema(example = "user-42") String userId,
        @Schema(description = "Gross amount, two decimals", example = "129.90") BigDecimal totalAmount,
        @Schema(description = "ISO 4217 code", example = "USD") String currency,
        OrderStatus status,
        @Schema(example = "1 Main Street, Springfield") String shippingAddress,
        @Schema(example = "2026-11-26T09:30:00.123456Z") Instant createdAt,
        @Schema(example = "2026-11-26T09:30:00.123456Z") Instant updatedAt) {

    public Order withStatus(OrderStatus newStatus, Instant at) {
        return new Order(id, userId, totalAmount, currency, newStatus, shippingAddress, createdAt, at);
    }
}
