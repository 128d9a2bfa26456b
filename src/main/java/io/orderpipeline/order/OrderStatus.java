package io.orderpipeline.order;

import java.util.EnumSet;
import java.util.Set;

/** The order state machine: PENDING → PAID → SHIPPED → DELIVERED; PENDING or PAID → CANCELLED. */
public enum OrderStatus {
    PENDING, PAID, SHIPPED, DELIVERED, CANCELLED;

    public Set<OrderStatus> next() {
        return switch (this) {
            case PENDING -> EnumSet.of(PAID, CANCELLED);
            case PAID -> EnumSet.of(SHIPPED, CANCELLED);
            case SHIPPED -> EnumSet.of(DELIVERED);
            case DELIVERED, CANCELLED -> EnumSet.noneOf(OrderStatus.class);
        };
    }

    public boolean canBecome(OrderStatus target) {
        return next().contains(target);
    }
}
