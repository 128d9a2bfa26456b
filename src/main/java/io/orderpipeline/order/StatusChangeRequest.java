package io.orderpipeline.order;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotNull;

/** The body of POST /api/orders/{id}/status. */
@Schema(name = "StatusChangeRequest")
public record StatusChangeRequest(@NotNull @Schema(example = "PAID") OrderStatus status) {
}
