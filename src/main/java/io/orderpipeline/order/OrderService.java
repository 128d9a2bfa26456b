package io.orderpipeline.order;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.orderpipeline.outbox.OutboxWriter;
import io.orderpipeline.platform.ApiProblem;
import io.orderpipeline.platform.TimeOrderedIds;

import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Order changes and their outbox events, each pair in one MySQL transaction: either both exist or
 * neither does.
 */
@Service
public class OrderService {

    public static final String AGGREGATE_TYPE = "Order";
    public static final String ORDER_CREATED = "OrderCreated";
    public static final String ORDER_STATUS_CHANGED = "OrderStatusChanged";

    /** What a create returns: the order, and whether it is the replay of an earlier request. */
    public record Created(Order order, boolean replayed) {
    }


    private final OrderStore orders;
    private final OutboxWriter outbox;
    private final TransactionTemplate tx;

    public OrderService(OrderStore orders, OutboxWriter outbox, TransactionTemplate tx) {
        this.orders = orders;
        this.outbox = outbox;
        this.tx = tx;
    }

    /**
     * @param idempotencyKey may be null; with it, a retry returns the first order and creates nothing
     * @param requestHash    a hash of the request, to tell a retry from a different request under the same key;
     *                       read only with a key
     */
    public Created create(CreateOrderRequest request, String idempotencyKey, String requestHash) {
        if (idempotencyKey != null) {
            Optional<Created> replay = replay(idempotencyKey, requestHash);
            if (replay.isPresent()) {
                return replay.get();
            }
        }
        try {
            return tx.execute(status -> {
                Instant now = now();
                Order order = new Order(TimeOrderedIds.next(), request.userId(), request.totalAmount(),
                        request.currencyOrDefault(), OrderStatus.PENDING, request.shippingAddress(), now, now);
                orders.insert(order, idempotencyKey, idempotencyKey == null ? null : requestHash);
                outbox.append(AGGREGATE_TYPE, order.id(), ORDER_CREATED, now, Map.of("order", order));
                return new Created(order, false);
            });
        } catch (DuplicateKeyException raced) {
            // Another request with the same key committed first: answer as its retry would be.
            return replay(idempotencyKey, requestHash).orElseThrow(() -> raced);
        }
    }

    private Optional<Created> replay(String idempotencyKey, String requestHash) {
        return orders.findByIdempotencyKey(idempotencyKey).map(found -> {
            if (!found.requestHash().equals(requestHash)) {
                throw new ApiProblem(422, "Idempotency key reused",
                        "Idempotency-Key '" + idempotencyKey + "' was already used for a different request");
            }
            return new Created(found.order(), true);
        });
    }

    public Order get(String id) {
        return orders.find(id).orElseThrow(() -> ApiProblem.notFound("No order with id " + id));
    }

    public OrderPage history(String userId, OrderStatus status, OrderCursor after, int limit) {
        List<Order> page = orders.page(userId, status, after, limit + 1);
        if (page.size() <= limit) {
            return new OrderPage(page, null);
        }
        Order last = page.get(limit - 1);
        return new OrderPage(page.subList(0, limit), new OrderCursor(last.createdAt(), last.id()).token());
    }

    /** Locks the order row, so concurrent changes of one order run one after the other. */
    public Order changeStatus(String id, OrderStatus target) {
        return tx.execute(status -> {
            Order current = orders.lock(id).orElseThrow(() -> ApiProblem.notFound("No order with id " + id));
            if (!current.status().canBecome(target)) {
                throw ApiProblem.conflict("An order in status " + current.status() + " cannot become " + target
                        + "; allowed: " + current.status().next());
            }
            Instant now = now();
            orders.updateStatus(id, target, now);
            Order changed = current.withStatus(target, now);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("order", changed);
            data.put("previousStatus", current.status());
            outbox.append(AGGREGATE_TYPE, id, ORDER_STATUS_CHANGED, now, data);
            return changed;
        });
    }

    /** DATETIME(6) keeps microseconds: an order read back equals the one returned. */
    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
