package io.orderpipeline.order;

import java.math.BigDecimal;
import java.time.Instant;

/** An order as stored in MySQL and shown by the API. */
public record Order(String id, String userId, BigDecimal totalAmount, String currency, OrderStatus status,
                    String shippingAddress, Instant createdAt, Instant updatedAt) {

    public Order withStatus(OrderStatus newStatus, Instant at) {
        return new Order(id, userId, totalAmount, currency, newStatus, shippingAddress, createdAt, at);
    }
}
