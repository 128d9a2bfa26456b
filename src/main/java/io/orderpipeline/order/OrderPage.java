package io.orderpipeline.order;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Schema;

/** A page of order history, newest first: GET /api/orders. */
public record OrderPage(
        List<Order> orders,
        @Schema(description = "The pageToken of the next page; null on the last page", nullable = true)
        String nextPageToken) {
}
