package io.orderpipeline.order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.orderpipeline.PipelineTest;
import io.orderpipeline.client.ApiClient;
import io.orderpipeline.client.ApiException;
import io.orderpipeline.client.api.OrdersApi;
import io.orderpipeline.client.model.CreateOrderRequest;
import io.orderpipeline.client.model.Order;
import io.orderpipeline.client.model.OrderPage;
import io.orderpipeline.client.model.StatusChangeRequest;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * A client generated from docs/openapi.json (which ApiDocumentIT keeps equal to the served document)
 * by openapi-generator at build time, against the running app: what a team generating its own
 * client gets.
 */
@PipelineTest
class ApiClientIT {

    @LocalServerPort
    int port;

    OrdersApi orders;
    final String user = "client-" + UUID.randomUUID();

    @BeforeEach
    void client() {
        ApiClient client = new ApiClient();
        client.updateBaseUri("http://127.0.0.1:" + port);
        orders = new OrdersApi(client);
    }

    @Test
    void createsReadsPagesAndChangesTheStatusOfOrders() throws Exception {
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Order order = orders.createOrder(new CreateOrderRequest().userId(user).totalAmount(new BigDecimal("10.0" + i))
                    .shippingAddress("1 Main Street").currency("EUR"), "client-" + user + "-" + i);
            assertThat(order.getStatus()).isEqualTo(Order.StatusEnum.PENDING);
            assertThat(order.getCurrency()).isEqualTo("EUR");
            created.add(order.getId());
        }

        Order read = orders.getOrder(created.get(1));
        assertThat(read.getTotalAmount()).isEqualByComparingTo("10.01");
        assertThat(read.getUserId()).isEqualTo(user);

        OrderPage first = orders.listOrders(user, null, 2, null);
        assertThat(first.getOrders()).extracting(Order::getId).containsExactly(created.get(2), created.get(1));
        OrderPage second = orders.listOrders(user, null, 2, first.getNextPageToken());
        assertThat(second.getOrders()).extracting(Order::getId).containsExactly(created.get(0));
        assertThat(second.getNextPageToken()).isNull();

        Order paid = orders.changeOrderStatus(created.get(0), new StatusChangeRequest().status(StatusChangeRequest.StatusEnum.PAID));
        assertThat(paid.getStatus()).isEqualTo(Order.StatusEnum.PAID);
        assertThat(orders.listOrders(user, "PAID", null, null).getOrders()).extracting(Order::getId)
                .containsExactly(created.get(0));
    }

    @Test
    void refusalsReachTheClientAsProblemDocuments() {
        assertThatThrownBy(() -> orders.changeOrderStatus("no-such-order",
                new StatusChangeRequest().status(StatusChangeRequest.StatusEnum.PAID)))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(404);
                    assertThat(e.getResponseBody()).contains("\"status\":404");
                });
        assertThatThrownBy(() -> orders.createOrder(new CreateOrderRequest().userId(user).totalAmount(new BigDecimal("0"))
                .shippingAddress("1 Main Street"), null))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(400);
                    assertThat(e.getResponseBody()).contains("totalAmount");
                });
    }
}
