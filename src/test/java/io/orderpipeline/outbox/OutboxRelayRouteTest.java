package io.orderpipeline.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orderpipeline.platform.KafkaTopics;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.LoggingLevel;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.direct.DirectConsumerNotAvailableException;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.LoggingExceptionHandler;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.apache.camel.throttling.ThrottlingExceptionRoutePolicy;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.annotation.Configuration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.dao.TransientDataAccessResourceException;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.AbstractPlatformTransactionManager;
import org.springframework.transaction.support.DefaultTransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Route-level test of routes/outbox-relay.camel.yaml, the file a deployment runs, with its Java
 * error handling, planning and Kafka-transaction steps: MySQL (every sql: endpoint) and Kafka (the
 * kafka: endpoint) are Camel mocks, the leader's timer is a direct: endpoint the test ticks, the
 * MySQL transaction is a recording transaction manager and the Kafka client is Kafka's MockProducer.
 */
@CamelSpringBootTest
@UseAdviceWith
@SpringBootTest(classes = OutboxRelayRouteTest.Config.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "camel.main.routes-include-pattern=file:routes/outbox-relay.camel.yaml",
            "app.cluster.mysql.enabled=false",
            "app.outbox.relay.batch-size=100",
            "app.outbox.relay.redelivery.maximum-redeliveries=2",
            "app.outbox.relay.redelivery.initial-delay-ms=100",
            "app.outbox.relay.circuit-failure-threshold=3",
            "app.outbox.relay.circuit-half-open-after=1s",
            "app.outbox.relay.max-attempts=3"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
class OutboxRelayRouteTest {

    static final LocalDateTime T0 = LocalDateTime.of(2026, 11, 25, 9, 0, 0, 123_456_000);

    @Autowired
    CamelContext context;

    @Autowired
    ProducerTemplate template;

    @Autowired
    Steps steps;

    @Autowired
    OutboxBatches batches;

    MockEndpoint claim;
    MockEndpoint kafka;
    MockEndpoint markPublished;
    MockEndpoint markDeadLettered;
    MockEndpoint holdOrder;
    MockEndpoint note;

    @BeforeEach
    void adviseAndStart() throws Exception {
        AdviceWith.adviceWith(context, "outbox-relay", r -> r.replaceFromWith("direct:tick"));
        AdviceWith.adviceWith(context, "outbox-relay-batch", r -> {
            r.weaveById("claim").replace().to("mock:claim");
            r.weaveById("publish").replace().to("mock:kafka");
            r.weaveById("mark-published").replace().to("mock:mark-published");
            r.weaveById("mark-dead-lettered").replace().to("mock:mark-dead-lettered");
            r.weaveById("hold-order").replace().to("mock:hold-order");
        });
        AdviceWith.adviceWith(context, "outbox-relay-note", r -> r.weaveById("note-failure").replace().to("mock:note"));
        context.start();
        claim = mock("claim");
        kafka = mock("kafka");
        markPublished = mock("mark-published");
        markDeadLettered = mock("mark-dead-lettered");
        holdOrder = mock("hold-order");
        note = mock("note");
        markPublished.whenAnyExchangeReceived(e -> steps.add("mark"));
    }

    @Test
    void aBatchGoesOutInOneKafkaTransactionAndIsMarkedBeforeBothCommitKafkaFirst() {
        claims(List.of(row(1, "order-a", "{\"seq\":1}"), row(2, "order-b", "{\"seq\":1}"), row(3, "order-a", "{\"seq\":2}")));
        kafka.whenAnyExchangeReceived(e -> steps.add("send"));

        tick();

        assertThat(kafka.getReceivedCounter()).isEqualTo(1);
        List<Message> records = records(kafka, 0);
        assertThat(records).extracting(m -> m.getHeader(KafkaConstants.KEY)).containsExactly("order-a", "order-b", "order-a");
        assertThat(records).extracting(m -> m.getBody(String.class)).containsExactly("{\"seq\":1}", "{\"seq\":1}", "{\"seq\":2}");
        assertThat(records.get(0).getHeader("id")).isEqualTo("event-1");
        assertThat(records.get(0).getHeader("eventType")).isEqualTo("OrderCreated");
        assertThat(records.get(0).getHeader("aggregateType")).isEqualTo("Order");
        assertThat(records.get(0).getHeader(KafkaConstants.OVERRIDE_TIMESTAMP))
                .as("the record's time is the outbox row's, so a republished event keeps it")
                .isEqualTo(T0.toInstant(ZoneOffset.UTC).toEpochMilli() + 1);
        assertThat(records.get(0).getHeader(KafkaConstants.OVERRIDE_TOPIC)).isNull();
        assertThat(markPublished.getReceivedExchanges().get(0).getIn().getHeader("published", List.class))
                .containsExactly(1L, 2L, 3L);
        assertThat(steps.all()).containsExactly("kafka-begin", "send", "mark", "kafka-commit", "mysql-commit");
        assertThat(claim.getReceivedExchanges().get(0).getIn().getHeader("limit")).isEqualTo(100);
    }

    @Test
    void aFailedSendLeavesTheBatchPendingAndItIsTriedAgainWholeAfterGrowingWaits() {
        claims(List.of(row(7, "order-a", "{}"), row(8, "order-b", "{}")));
        List<Long> attempts = Collections.synchronizedList(new ArrayList<>());
        kafka.whenAnyExchangeReceived(e -> {
            attempts.add(System.nanoTime());
            if (attempts.size() <= 2) {
                throw new ExecutionException(new TimeoutException("Kafka did not acknowledge the record within 16000 ms"));
            }
            steps.add("send");
        });

        tick();

        assertThat(attempts).hasSize(3);
        long first = (attempts.get(1) - attempts.get(0)) / 1_000_000;
        long second = (attempts.get(2) - attempts.get(1)) / 1_000_000;
        assertThat(first).as("first wait, 100 ms +-15%").isBetween(80L, 600L);
        // The second wait doubles the first as it was (jitter included), then gets its own jitter.
        assertThat(second).as("second wait, doubled").isGreaterThan(first).isGreaterThanOrEqualTo(140L);
        assertThat(markPublished.getReceivedCounter()).as("marked once, after the send that worked").isEqualTo(1);
        assertThat(steps.all()).containsExactly("kafka-begin", "mysql-rollback", "kafka-abort", "kafka-begin",
                "mysql-rollback", "kafka-abort", "kafka-begin", "send", "mark", "kafka-commit", "mysql-commit");
        assertThat(note.getReceivedExchanges()).hasSize(2).allSatisfy(n -> {
            assertThat(n.getIn().getHeader("id")).isEqualTo(7L);
            assertThat(n.getIn().getHeader("refused")).isEqualTo(0);
            assertThat(n.getIn().getHeader("error", String.class)).startsWith("relay stalled: TimeoutException");
        });
    }

    @Test
    void aBatchThatKeepsFailingFailsTheTickAfterItsRetriesAndNothingIsMarked() {
        claims(List.of(row(1, "order-a", "{}")));
        kafka.whenAnyExchangeReceived(e -> {
            throw new ExecutionException(new TimeoutException("no broker"));
        });

        assertThatThrownBy(this::tick).hasRootCauseInstanceOf(TimeoutException.class);

        assertThat(kafka.getReceivedCounter()).as("first attempt and two redeliveries").isEqualTo(3);
        assertThat(markPublished.getReceivedCounter()).isZero();
        assertThat(steps.all()).doesNotContain("kafka-commit", "mysql-commit");
    }

    @Test
    void aPayloadIsPoisonWhenItIsNoObjectOrOverTheLimitInUtf8Bytes() {
        assertThat(batches.poisonReason("{\"seq\":1}", 0, null)).isNull();
        assertThat(batches.poisonReason(" \r\n\t{\"seq\":1}", 0, null)).isNull();
        for (String notAnObject : new String[] {"[1]", "\"just text\"", "", " ", "null", "1"}) {
            assertThat(batches.poisonReason(notAnObject, 0, null)).as(notAnObject).isEqualTo("payload is not a JSON object");
        }
        assertThat(batches.poisonReason("{\"a\":nope}", 0, null)).as("the first token decides; the database checked the rest")
                .isNull();
        // 3 bytes a character: over 900,000 bytes with fewer characters than that (the limit is application.yml's).
        assertThat(batches.poisonReason("{\"a\":\"" + "東".repeat(299_997) + "\"}", 0, null)).isNull();
        assertThat(batches.poisonReason("{\"a\":\"" + "東".repeat(299_998) + "\"}", 0, null))
                .isEqualTo("payload of 900002 bytes is over the limit of 900000");
    }

    @Test
    void poisonGoesToTheDeadLetterTopicInTheSameTransactionItsRowFailsAndItsOrderIsHeld() {
        claims(List.of(row(1, "order-a", "{\"seq\":1}"), row(2, "order-b", "\"just text\""), row(3, "order-b", "{\"seq\":2}"),
                row(4, "order-a", "{\"seq\":2}")));

        tick();

        List<Message> records = records(kafka, 0);
        assertThat(records).extracting(m -> m.getHeader(KafkaConstants.KEY)).containsExactly("order-a", "order-b", "order-a");
        Message dead = records.get(1);
        assertThat(dead.getHeader(KafkaConstants.OVERRIDE_TOPIC)).isEqualTo("order.events.dlq");
        assertThat(dead.getHeader("dlq.reason")).isEqualTo("payload is not a JSON object");
        assertThat(dead.getHeader("dlq.outboxId")).isEqualTo("2");
        assertThat(dead.getHeader("id")).isEqualTo("event-2");
        assertThat(markPublished.getReceivedExchanges().get(0).getIn().getHeader("published", List.class))
                .as("order-b's later event stays pending behind its dead letter").containsExactly(1L, 4L);
        List<Map<String, Object>> failed = body(markDeadLettered);
        assertThat(failed).singleElement().satisfies(r -> {
            assertThat(r).containsEntry("id", 2L).containsEntry("attempts", 1)
                    .containsEntry("reason", "payload is not a JSON object");
        });
        assertThat(body(holdOrder)).singleElement().satisfies(r ->
                assertThat(r).containsEntry("aggregateType", "Order").containsEntry("aggregateId", "order-b").containsEntry("id", 2L));
        assertThat(steps.all()).endsWith("kafka-commit", "mysql-commit");
    }

    @Test
    void aRecordKafkaRefusesIsFoundByHalvingTheBatchCountedPerTickAndADeadLetterAtMaxAttempts() {
        List<OutboxRow> outbox = outbox(row(1, "order-a", "{}"), row(2, "order-b", "{}"),
                row(3, "order-c", "{}"), row(4, "order-b", "{}"));
        // The broker refuses order-b's first event; the producer then fails the whole batch alike.
        refuse("event-2");

        assertThatThrownBy(this::tick).hasRootCauseInstanceOf(RecordTooLargeException.class);

        assertThat(claim.getReceivedExchanges()).extracting(e -> e.getIn().getHeader("limit"))
                .as("the whole batch (4 rows) fails, its first half (rows 1-2) fails, row 1 goes, row 2 fails alone")
                .containsExactly(100, 2, 1, 1);
        assertThat(markPublished.getReceivedExchanges()).extracting(e -> e.getIn().getHeader("published", List.class))
                .containsExactly(List.of(1L));
        List<Exchange> refusals = note.getReceivedExchanges().stream()
                .filter(n -> Integer.valueOf(1).equals(n.getIn().getHeader("refused"))).toList();
        assertThat(refusals).as("one attempt counted for the tick, against the refused row").singleElement()
                .satisfies(n -> assertThat(n.getIn().getHeader("id")).isEqualTo(2L));

        // The row has been refused max-attempts (3) times: the next batch dead-letters it and holds its order.
        OutboxRow refused = outbox.get(0);
        outbox.set(0, new OutboxRow(refused.id(), refused.eventId(), refused.aggregateType(), refused.aggregateId(),
                refused.eventType(), refused.payload(), 3, "RecordTooLargeException: The message is 2000000 bytes",
                refused.createdAt()));
        int sent = kafka.getReceivedCounter();
        int claims = claim.getReceivedCounter();
        tick();

        List<Message> after = kafka.getReceivedExchanges().subList(sent, kafka.getReceivedCounter()).stream()
                .flatMap(e -> records(e).stream()).toList();
        Message dead = after.get(0);
        assertThat(dead.getHeader(KafkaConstants.OVERRIDE_TOPIC)).isEqualTo("order.events.dlq");
        assertThat(dead.getHeader("dlq.reason", String.class)).isEqualTo(
                "not accepted by Kafka after 3 attempts: RecordTooLargeException: The message is 2000000 bytes");
        assertThat(body(holdOrder)).singleElement().satisfies(r -> assertThat(r).containsEntry("aggregateId", "order-b"));
        assertThat(after).extracting(m -> m.getHeader("id")).as("order-b's later event held back; order-c goes")
                .containsExactly("event-2", "event-3");
        assertThat(claim.getReceivedExchanges().subList(claims, claim.getReceivedCounter()))
                .extracting(e -> e.getIn().getHeader("limit")).containsExactly(1, 1, 1);
        tick();
        assertThat(claim.getReceivedExchanges().get(claim.getReceivedCounter() - 1).getIn().getHeader("limit"))
                .as("nothing more to claim: full batches again").isEqualTo(100);
    }

    @Test
    void aRefusedRecordIsFoundInAFewHalvedBatchesWhileTheRowsBeforeItGoOut() {
        OutboxRow[] rows = java.util.stream.LongStream.rangeClosed(1, 16)
                .mapToObj(id -> row(id, "order-" + id, "{}")).toArray(OutboxRow[]::new);
        outbox(rows);
        refuse("event-11");

        // Each tick has three attempts (the first and two redeliveries); the relay's own halving goes on across ticks.
        assertThatThrownBy(this::tick).hasRootCauseInstanceOf(RecordTooLargeException.class);
        assertThatThrownBy(this::tick).hasRootCauseInstanceOf(RecordTooLargeException.class);

        assertThat(claim.getReceivedExchanges()).extracting(e -> e.getIn().getHeader("limit"))
                .as("16 fail; 1-8 go; 9-16 fail; 9-12 fail | 9-10 go; 11-12 fail; 11 fails alone, twice")
                .containsExactly(100, 8, 8, 4, 2, 2, 1, 1);
        assertThat(markPublished.getReceivedExchanges()).extracting(e -> e.getIn().getHeader("published", List.class))
                .containsExactly(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L), List.of(9L, 10L));
        assertThat(note.getReceivedExchanges().stream().filter(n -> Integer.valueOf(1).equals(n.getIn().getHeader("refused"))))
                .as("the tick that failed on row 11 alone counts an attempt against it; the one before it counts none")
                .singleElement().satisfies(n -> assertThat(n.getIn().getHeader("id")).isEqualTo(11L));
    }

    @Test
    void aFailedMarkRollsBothBackAndBacksOffBeforeTheBatchGoesAgain() {
        claims(List.of(row(1, "order-a", "{}")));
        List<Long> sends = Collections.synchronizedList(new ArrayList<>());
        kafka.whenAnyExchangeReceived(e -> sends.add(System.nanoTime()));
        AtomicInteger marks = new AtomicInteger();
        markPublished.whenAnyExchangeReceived(e -> {
            if (marks.incrementAndGet() <= 2) {
                throw new TransientDataAccessResourceException("The MariaDB server is running with the --read-only option");
            }
            steps.add("mark");
        });

        tick();

        assertThat(sends).hasSize(3);
        assertThat((sends.get(1) - sends.get(0)) / 1_000_000).isGreaterThanOrEqualTo(80L);
        assertThat((sends.get(2) - sends.get(1)) / 1_000_000).isGreaterThanOrEqualTo(140L);
        assertThat(steps.all()).containsExactly("kafka-begin", "mysql-rollback", "kafka-abort", "kafka-begin",
                "mysql-rollback", "kafka-abort", "kafka-begin", "mark", "kafka-commit", "mysql-commit");
    }

    @Test
    void theCircuitOpensAfterRepeatedFailedTicksAndLetsOneThroughAfterItsPause() {
        claims(List.of(row(1, "order-a", "{}")));
        AtomicInteger failing = new AtomicInteger(1);
        kafka.whenAnyExchangeReceived(e -> {
            if (failing.get() == 1) {
                throw new ExecutionException(new TimeoutException("no broker"));
            }
        });
        for (int i = 0; i < 3; i++) {
            assertThatThrownBy(this::tick);
        }

        assertThatThrownBy(() -> template.sendBody("direct:tick?block=false", null))
                .as("the circuit is open: the relay's consumer is stopped")
                .hasRootCauseInstanceOf(DirectConsumerNotAvailableException.class);
        failing.set(0);
        long opened = System.nanoTime();
        await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(() -> {
            template.sendBody("direct:tick?block=false", null);
            return true;
        });
        assertThat((System.nanoTime() - opened) / 1_000_000).as("half-opens after 1 s").isGreaterThan(500L);
        tick();
        assertThat(markPublished.getReceivedCounter()).isEqualTo(2);
    }

    @Test
    void aFencedProducerFailsTheTickAtOnceWithoutRetrying() {
        claims(List.of(row(1, "order-a", "{}")));
        kafka.whenAnyExchangeReceived(e -> {
            throw new ExecutionException(new ProducerFencedException("There is a newer producer with the same transactionalId"));
        });

        assertThatThrownBy(this::tick).hasRootCauseInstanceOf(ProducerFencedException.class);

        assertThat(kafka.getReceivedCounter()).isEqualTo(1);
        assertThat(markPublished.getReceivedCounter()).isZero();
        assertThat(steps.all()).containsExactly("kafka-begin", "mysql-rollback", "kafka-abort");
    }

    @Test
    void fullBatchesAreDrainedBackToBackAndAnEmptyClaimSendsNothing() {
        List<OutboxRow> full = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            full.add(row(i, "order-" + i, "{}"));
        }
        claim.whenExchangeReceived(1, e -> e.getIn().setBody(full));
        claim.whenExchangeReceived(2, e -> e.getIn().setBody(List.of(row(101, "order-x", "{}"))));

        tick();

        assertThat(claim.getReceivedCounter()).isEqualTo(2);
        assertThat(kafka.getReceivedCounter()).isEqualTo(2);
        // camel-sql converts a body to a Map for every parameter it looks up; a list of records costs a
        // search of every type converter. The second claim would otherwise get the first batch's records.
        assertThat(claim.getReceivedExchanges()).extracting(e -> e.getIn().getBody()).containsOnlyNulls();
        assertThat(markPublished.getReceivedExchanges()).extracting(e -> e.getIn().getBody()).containsOnlyNulls();

        MockEndpoint.resetMocks(context);
        claims(List.of());
        tick();
        assertThat(kafka.getReceivedCounter()).isZero();
        assertThat(markPublished.getReceivedCounter()).isZero();
    }

    // ---- helpers ----

    /** A small outbox as the claim SQL sees it: its limit honoured, held orders left out, marked rows gone. */
    List<OutboxRow> outbox(OutboxRow... rows) {
        List<OutboxRow> outbox = new ArrayList<>(List.of(rows));
        java.util.Set<Object> held = new java.util.HashSet<>();
        claim.whenAnyExchangeReceived(e -> {
            int limit = e.getIn().getHeader("limit", Integer.class);
            e.getIn().setBody(outbox.stream().filter(r -> !held.contains(r.aggregateId())).limit(limit).toList());
        });
        holdOrder.whenAnyExchangeReceived(e -> ((List<?>) e.getIn().getBody(List.class))
                .forEach(h -> held.add(((Map<?, ?>) h).get("aggregateId"))));
        markPublished.whenAnyExchangeReceived(e -> outbox.removeIf(r -> e.getIn().getHeader("published", List.class)
                .contains(r.id())));
        markDeadLettered.whenAnyExchangeReceived(e -> outbox.removeIf(r -> ((List<?>) e.getIn().getBody(List.class)).stream()
                .anyMatch(d -> ((Map<?, ?>) d).get("id").equals(r.id()))));
        return outbox;
    }

    /** Kafka refuses the event's record (as a broker does one over its max.message.bytes), and so every batch holding it. */
    void refuse(String eventId) {
        kafka.whenAnyExchangeReceived(e -> {
            if (records(e).stream().anyMatch(m -> eventId.equals(m.getHeader("id"))
                    && m.getHeader(KafkaConstants.OVERRIDE_TOPIC) == null)) {
                throw new ExecutionException(new RecordTooLargeException("The message is 2000000 bytes"));
            }
        });
    }

    void tick() {
        template.sendBody("direct:tick", null);
    }

    void claims(List<OutboxRow> rows) {
        claim.whenAnyExchangeReceived(e -> e.getIn().setBody(new ArrayList<>(rows)));
    }

    MockEndpoint mock(String name) {
        return context.getEndpoint("mock:" + name, MockEndpoint.class);
    }

    static List<Message> records(MockEndpoint endpoint, int index) {
        return records(endpoint.getReceivedExchanges().get(index));
    }

    @SuppressWarnings("unchecked")
    static List<Message> records(Exchange exchange) {
        return exchange.getIn().getBody(List.class);
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> body(MockEndpoint endpoint) {
        assertThat(endpoint.getReceivedExchanges()).hasSize(1);
        return endpoint.getReceivedExchanges().get(0).getIn().getBody(List.class);
    }

    /** A claimed row as the claim hands it on (camel-sql with OutboxRows). */
    static OutboxRow row(long id, String order, String payload) {
        return new OutboxRow(id, "event-" + id, "Order", order, "OrderCreated", payload, 0, null, T0.plusNanos(id * 1_000_000));
    }

    /** What happened, in order, across the two transactions and the route's steps. */
    static final class Steps {
        private final List<String> steps = Collections.synchronizedList(new ArrayList<>());

        void add(String step) {
            steps.add(step);
        }

        List<String> all() {
            return List.copyOf(steps);
        }
    }

    /** The MySQL side's transaction manager, keeping no connection: it only records begin, commit, rollback. */
    static final class RecordingTransactionManager extends AbstractPlatformTransactionManager {
        private final Steps steps;

        RecordingTransactionManager(Steps steps) {
            this.steps = steps;
        }

        @Override
        protected Object doGetTransaction() {
            return new Object();
        }

        @Override
        protected void doBegin(Object transaction, TransactionDefinition definition) {
        }

        @Override
        protected void doCommit(DefaultTransactionStatus status) {
            steps.add("mysql-commit");
        }

        @Override
        protected void doRollback(DefaultTransactionStatus status) {
            steps.add("mysql-rollback");
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration(exclude = {DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class})
    @EnableConfigurationProperties({KafkaTopics.class, OutboxRelayProperties.class, OutboxProducerProperties.class})
    @Import({OutboxBatches.class, OutboxRelayErrors.class, OutboxRelayFailures.class, OutboxMetrics.class})
    static class Config {

        @Bean
        Steps steps() {
            return new Steps();
        }

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        @Bean("outboxRelayTx")
        CallerRetriedTransactionPolicy outboxRelayTx(Steps steps) {
            TransactionTemplate template = new TransactionTemplate(new RecordingTransactionManager(steps));
            template.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
            return new CallerRetriedTransactionPolicy(template);
        }

        @Bean("outboxKafkaTransaction")
        OutboxKafkaTransaction outboxKafkaTransaction(Steps steps) {
            MockProducer<Object, Object> kafka = new MockProducer<>(true, null, null) {
                @Override
                public synchronized void beginTransaction() {
                    super.beginTransaction();
                    steps.add("kafka-begin");
                }

                @Override
                public synchronized void commitTransaction() {
                    super.commitTransaction();
                    steps.add("kafka-commit");
                }

                @Override
                public synchronized void abortTransaction() {
                    super.abortTransaction();
                    steps.add("kafka-abort");
                }
            };
            return new OutboxKafkaTransaction("relay-test", 60_000, 1_000, props -> kafka);
        }

        @Bean("outboxRelayCircuitBreaker")
        ThrottlingExceptionRoutePolicy outboxRelayCircuitBreaker(OutboxRelayProperties props, OutboxMetrics metrics) {
            return new OutboxRelayConfig.CircuitBreaker(props, metrics);
        }

        @Bean("outboxRelayTickFailures")
        LoggingExceptionHandler outboxRelayTickFailures(CamelContext camel) {
            return new LoggingExceptionHandler(camel, OutboxRelayRouteTest.class, LoggingLevel.DEBUG);
        }
    }
}
