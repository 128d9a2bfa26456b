package io.orderpipeline.order;

import jakarta.validation.constraints.NotNull;

/** The body of POST /api/orders/{id}/status. */
public record StatusChangeRequest(@NotNull OrderStatus status) {
}
