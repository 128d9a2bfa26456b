package io.orderpipeline.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import com.fasterxml.jackson.databind.json.JsonMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orderpipeline.platform.KafkaOffsets;

import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.AdviceWith;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.mock.MockEndpoint;
import org.apache.camel.support.DefaultExchange;
import org.apache.camel.test.spring.junit5.CamelSpringBootTest;
import org.apache.camel.test.spring.junit5.UseAdviceWith;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.flyway.FlywayAutoConfiguration;
import org.springframework.boot.autoconfigure.jdbc.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Route-level test of routes/clickhouse-sink.camel.yaml, the file a deployment runs, with its real
 * planning and committing steps: the Kafka consumer is a direct: endpoint the test hands batches to
 * (as camel-kafka's batching consumer does: one exchange per record), the consumer behind the
 * offsets is Kafka's MockConsumer, ClickHouse's insert and the dead-letter topic are Camel mocks, and
 * what ClickHouse holds already is a fixed answer.
 */
@CamelSpringBootTest
@UseAdviceWith
@SpringBootTest(classes = ClickHouseSinkRouteTest.Config.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "camel.main.routes-include-pattern=file:routes/clickhouse-sink.camel.yaml",
            "app.sink.redelivery.maximum-redeliveries=2",
            "app.sink.redelivery.initial-delay-ms=10"})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_EACH_TEST_METHOD)
class ClickHouseSinkRouteTest {

    static final String TOPIC = "analytics.orders";
    static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
    static final TopicPartition P1 = new TopicPartition(TOPIC, 1);
    /** A current ClickHouse (true) or 18.16. */
    static final AtomicBoolean TOKENS = new AtomicBoolean(true);

    @Autowired
    CamelContext context;

    @Autowired
    ProducerTemplate template;

    @Autowired
    Stored stored;

    final MockConsumer<Object, Object> kafka = new MockConsumer<>(OffsetResetStrategy.EARLIEST);
    MockEndpoint insert;
    MockEndpoint dlq;

    @BeforeEach
    void adviseAndStart() throws Exception {
        AdviceWith.adviceWith(context, "clickhouse-sink", r -> {
            r.replaceFromWith("direct:batch");
            r.weaveById("sink-insert").replace().to("mock:insert");
            r.weaveById("sink-dead-letters").replace().to("mock:dlq");
        });
        context.start();
        insert = context.getEndpoint("mock:insert", MockEndpoint.class);
        dlq = context.getEndpoint("mock:dlq", MockEndpoint.class);
        kafka.assign(List.of(P0, P1));
        kafka.commitSync(Map.of(P0, new OffsetAndMetadata(10), P1, new OffsetAndMetadata(20)));
        TOKENS.set(true);
    }

    @Test
    void eachPartitionIsOneBlockWhoseRangeIsRecordedBeforeTheInsertAndCommittedAfterIt() {
        List<Map<TopicPartition, OffsetAndMetadata>> committedDuringInsert = new ArrayList<>();
        insert.whenAnyExchangeReceived(e -> committedDuringInsert.add(kafka.committed(Set.of(P0, P1))));

        Exchange done = send(batch(
                record(P0, 10, row("00000000-0000-4000-8000-000000000010")),
                record(P1, 20, row("00000000-0000-4000-8000-000000000020")),
                record(P0, 11, row("00000000-0000-4000-8000-000000000011")),
                record(P1, 21, row("00000000-0000-4000-8000-000000000021"))));

        assertThat(done.getException()).isNull();
        assertThat(ranges()).containsExactly("0:10-11", "1:20-21");
        SinkBlock p0 = blocks().get(0);
        assertThat(p0.token()).isEqualTo("analytics.orders:0:" + p0.nonce() + ":10-11");
        assertThat(p0.rows()).extracting(SinkRow::offset).containsExactly(10L, 11L);
        assertThat(p0.rows().get(0).json(1)).contains("\"sink_block\":\"" + p0.token() + "\"");
        assertThat(committedDuringInsert.get(0).get(P0)).as("the plan, recorded before the insert")
                .isEqualTo(new OffsetAndMetadata(10, "blocks:" + p0.nonce() + "/10-11"));
        assertThat(kafka.committed(Set.of(P0, P1))).as("after the insert")
                .containsEntry(P0, new OffsetAndMetadata(12, "")).containsEntry(P1, new OffsetAndMetadata(22, ""));
    }

    @Test
    void aPartitionsRecordsTwiceOrOutOfOrderInABatchMakeOneBlockInOffsetOrderEachOnce() {
        send(batch(
                record(P0, 11, row("00000000-0000-4000-8000-000000000011")),
                record(P0, 10, row("00000000-0000-4000-8000-000000000010")),
                record(P0, 11, row("00000000-0000-4000-8000-000000000011")),
                record(P0, 9, row("00000000-0000-4000-8000-000000000009")),
                record(P0, 12, row("00000000-0000-4000-8000-000000000012"))));

        assertThat(ranges()).containsExactly("0:10-12");
        assertThat(blocks().get(0).rows()).as("offset 9 is before the committed offset, 10")
                .extracting(SinkRow::offset).containsExactly(10L, 11L, 12L);
        assertThat(kafka.committed(Set.of(P0)).get(P0)).isEqualTo(new OffsetAndMetadata(13, ""));
    }

    @Test
    void on18_16TheBatchsBlocksGoInOneInsertAndOnACurrentClickHouseEachInOneOfItsOwn() {
        TOKENS.set(false);
        send(batch(
                record(P0, 10, row("00000000-0000-4000-8000-000000000010")),
                record(P1, 20, row("00000000-0000-4000-8000-000000000020"))));
        assertThat(insert.getReceivedExchanges()).hasSize(1);
        assertThat(ranges()).containsExactly("0:10-10", "1:20-20");

        MockEndpoint.resetMocks(context);
        TOKENS.set(true);
        send(batch(
                record(P0, 11, row("00000000-0000-4000-8000-000000000011")),
                record(P1, 21, row("00000000-0000-4000-8000-000000000021"))));
        assertThat(insert.getReceivedExchanges()).hasSize(2);
    }

    @Test
    void aFailedInsertCommitsNothingAndTheRecordsComingAgainMakeTheSameBlock() {
        insert.whenAnyExchangeReceived(e -> {
            throw new IllegalStateException("ClickHouse at http://127.0.0.1:8123/ not reachable");
        });
        Exchange failed = send(batch(
                record(P0, 10, row("00000000-0000-4000-8000-000000000010")),
                record(P0, 11, row("00000000-0000-4000-8000-000000000011"))));

        assertThat(failed.getException()).as("camel-kafka reads the partition again from the committed offset")
                .hasMessageContaining("not reachable");
        List<SinkBlock> tried = blocks();
        assertThat(tried).hasSize(3).extracting(SinkBlock::token).containsOnly(tried.get(0).token());
        String nonce = tried.get(0).nonce();
        assertThat(kafka.committed(Set.of(P0)).get(P0)).isEqualTo(new OffsetAndMetadata(10, "blocks:" + nonce + "/10-11"));

        // camel-kafka starts over with a new consumer; the records come again, with more behind them:
        // the planned block is cut the same, token and all; what was read past it is read again (once
        // traffic stops camel-kafka makes no batch, so nothing may wait in memory for one), and makes
        // a block of a new plan.
        MockEndpoint.resetMocks(context);
        insert.whenAnyExchangeReceived(e -> { });
        send(batch(
                record(P0, 10, row("00000000-0000-4000-8000-000000000010")),
                record(P0, 11, row("00000000-0000-4000-8000-000000000011")),
                record(P0, 12, row("00000000-0000-4000-8000-000000000012"))));
        assertThat(blocks()).extracting(SinkBlock::token).containsExactly(tried.get(0).token());
        assertThat(blocks().get(0).replayed()).isTrue();
        assertThat(kafka.committed(Set.of(P0)).get(P0)).isEqualTo(new OffsetAndMetadata(12, ""));
        assertThat(kafka.position(P0)).as("sought back to the first record past the block").isEqualTo(12);

        MockEndpoint.resetMocks(context);
        send(batch(
                record(P0, 12, row("00000000-0000-4000-8000-000000000012")),
                record(P0, 13, row("00000000-0000-4000-8000-000000000013"))));
        assertThat(ranges()).containsExactly("0:12-13");
        assertThat(blocks().get(0).replayed()).isFalse();
        assertThat(blocks().get(0).nonce()).isNotEqualTo(nonce);
        assertThat(kafka.committed(Set.of(P0)).get(P0)).isEqualTo(new OffsetAndMetadata(14, ""));
    }

    @Test
    void anInstanceTakingAPartitionOverInsertsThePlannedBlockAsPlannedAndReadsWhatFollowsAgain() {
        kafka.commitSync(Map.of(P0, new OffsetAndMetadata(10, "blocks:n0/10-11")));

        send(batch(
                record(P0, 10, row("00000000-0000-4000-8000-000000000010")),
                record(P0, 11, row("00000000-0000-4000-8000-000000000011")),
                record(P0, 12, row("00000000-0000-4000-8000-000000000012"))));
        assertThat(blocks()).extracting(SinkBlock::token).containsExactly("analytics.orders:0:n0:10-11");
        assertThat(kafka.committed(Set.of(P0)).get(P0)).isEqualTo(new OffsetAndMetadata(12, ""));
        assertThat(kafka.position(P0)).as("what follows the planned block is read again").isEqualTo(12);

        MockEndpoint.resetMocks(context);
        send(batch(
                record(P0, 12, row("00000000-0000-4000-8000-000000000012")),
                record(P0, 13, row("00000000-0000-4000-8000-000000000013"))));
        assertThat(blocks()).singleElement().satisfies(b -> {
            assertThat(b.range()).isEqualTo("12-13");
            assertThat(b.nonce()).isNotEqualTo("n0");
        });
        assertThat(kafka.committed(Set.of(P0)).get(P0)).isEqualTo(new OffsetAndMetadata(14, ""));
    }

    @Test
    void aPlanOfSeveralBlocksFromAnEarlierVersionIsCutBlockByBlockAndKeepsTheBlocksNotReachedYet() {
        // 8205c6c (stop 21's history) wrote plans of several blocks; a partition may still hold one.
        kafka.commitSync(Map.of(P0, new OffsetAndMetadata(10, "blocks:n0/10-11,n1/12-13")));

        send(batch(
                record(P0, 10, row("00000000-0000-4000-8000-000000000010")),
                record(P0, 11, row("00000000-0000-4000-8000-000000000011"))));
        assertThat(blocks()).extracting(SinkBlock::token).containsExactly("analytics.orders:0:n0:10-11");
        assertThat(kafka.committed(Set.of(P0)).get(P0)).as("the next planned block is still to be cut the same")
                .isEqualTo(new OffsetAndMetadata(12, "blocks:n1/12-13"));

        MockEndpoint.resetMocks(context);
        send(batch(
                record(P0, 12, row("00000000-0000-4000-8000-000000000012")),
                record(P0, 13, row("00000000-0000-4000-8000-000000000013")),
                record(P0, 14, row("00000000-0000-4000-8000-000000000014"))));
        assertThat(blocks()).extracting(SinkBlock::token).containsExactly("analytics.orders:0:n1:12-13");
        assertThat(kafka.committed(Set.of(P0)).get(P0)).isEqualTo(new OffsetAndMetadata(14, ""));
        assertThat(kafka.position(P0)).as("what follows the plan is read again").isEqualTo(14);
    }

    /** A plan that does not start at the first record read, or that ended before it. */
    @ParameterizedTest
    @ValueSource(strings = {"blocks:n0/11-12", "blocks:n0/8-9"})
    void aPlanThatDoesNotMatchTheRecordsReadIsLeftAndANewBlockIsPlanned(String plan) {
        kafka.commitSync(Map.of(P0, new OffsetAndMetadata(10, plan)));

        send(batch(
                record(P0, 10, row("00000000-0000-4000-8000-000000000010")),
                record(P0, 11, row("00000000-0000-4000-8000-000000000011"))));
        assertThat(blocks()).singleElement().satisfies(b -> {
            assertThat(b.range()).isEqualTo("10-11");
            assertThat(b.nonce()).isNotEqualTo("n0");
        });
        assertThat(kafka.committed(Set.of(P0)).get(P0)).isEqualTo(new OffsetAndMetadata(12, ""));
    }

    @Test
    void onlyTheSinksOwnMetadataIsReadAsAPlan() {
        assertThat(SinkBlocks.planned("blocks:n0/10-11,n1/12-13")).containsExactly(
                new SinkBlocks.Planned("n0", 10, 11), new SinkBlocks.Planned("n1", 12, 13));
        assertThat(SinkBlocks.planned("blocks:n0/10-11")).containsExactly(new SinkBlocks.Planned("n0", 10, 11));
        assertThat(SinkBlocks.planned("")).isEmpty();
        assertThat(SinkBlocks.planned(null)).isEmpty();
        assertThat(SinkBlocks.planned("blocks:")).isEmpty();
        assertThat(SinkBlocks.planned("blocks:junk")).isEmpty();
        assertThat(SinkBlocks.planned("{\"tool\":\"offsets reset\",\"at\":\"n0/10-11\"}")).as("another tool's metadata")
                .isEmpty();
    }

    @Test
    void aPlannedBlockThatTheBatchDoesNotHoldWholeWaitsForTheRestWithoutReadingAgain() {
        kafka.commitSync(Map.of(P0, new OffsetAndMetadata(10, "blocks:n0/10-12")));

        send(batch(
                record(P0, 10, row("00000000-0000-4000-8000-000000000010")),
                record(P0, 11, row("00000000-0000-4000-8000-000000000011")),
                record(P1, 20, row("00000000-0000-4000-8000-000000000020"))));

        assertThat(ranges()).containsExactly("1:20-20");
        assertThat(kafka.committed(Set.of(P0)).get(P0)).isEqualTo(new OffsetAndMetadata(10, "blocks:n0/10-12"));

        MockEndpoint.resetMocks(context);
        send(batch(record(P0, 12, row("00000000-0000-4000-8000-000000000012"))));
        assertThat(blocks()).extracting(SinkBlock::token).containsExactly("analytics.orders:0:n0:10-12");
        assertThat(blocks().get(0).rows()).extracting(SinkRow::offset).containsExactly(10L, 11L, 12L);
        assertThat(kafka.committed(Set.of(P0)).get(P0)).isEqualTo(new OffsetAndMetadata(13, ""));
    }

    @Test
    void aRetriedPlanningStepPlansTheSameBlocks() {
        kafka.commitSync(Map.of(P0, new OffsetAndMetadata(10, "blocks:n0/10-12")));
        send(batch(
                record(P0, 10, row("00000000-0000-4000-8000-000000000010")),
                record(P0, 11, row("00000000-0000-4000-8000-000000000011"))));

        // ClickHouse does not answer the duplicate lookup once: the planning step is tried again.
        stored.failures = 1;
        MockEndpoint.resetMocks(context);
        send(batch(record(P0, 12, row("00000000-0000-4000-8000-000000000012"))));
        assertThat(stored.lookups).hasSize(2);
        assertThat(blocks()).extracting(SinkBlock::token).containsExactly("analytics.orders:0:n0:10-12");
        assertThat(blocks().get(0).rows()).extracting(SinkRow::offset).containsExactly(10L, 11L, 12L);
        assertThat(kafka.committed(Set.of(P0)).get(P0)).isEqualTo(new OffsetAndMetadata(13, ""));
    }

    @Test
    void aBlockIsNoLargerThanTheBatchSizeAndTheRestIsReadAgainForTheNextBlock() {
        send(records(P0, 10, 16));
        assertThat(ranges()).containsExactly("0:10-14");
        assertThat(kafka.committed(Set.of(P0)).get(P0)).isEqualTo(new OffsetAndMetadata(15, ""));
        assertThat(kafka.position(P0)).isEqualTo(15);

        // camel-kafka may hand on records it polled before the seek (past 16) ahead of those read
        // again: alone they would leave a gap, so they wait for the records read again.
        MockEndpoint.resetMocks(context);
        send(batch(
                record(P0, 18, row("00000000-0000-4000-8000-000000000018")),
                record(P0, 19, row("00000000-0000-4000-8000-000000000019"))));
        assertThat(insert.getReceivedExchanges()).isEmpty();
        assertThat(kafka.committed(Set.of(P0)).get(P0)).isEqualTo(new OffsetAndMetadata(15, ""));

        MockEndpoint.resetMocks(context);
        send(batch(
                record(P0, 20, row("00000000-0000-4000-8000-000000000020")),
                record(P0, 15, row("00000000-0000-4000-8000-000000000015")),
                record(P0, 16, row("00000000-0000-4000-8000-000000000016"))));
        assertThat(ranges()).containsExactly("0:15-16");
        assertThat(kafka.committed(Set.of(P0)).get(P0)).isEqualTo(new OffsetAndMetadata(17, ""));
    }

    @Test
    void aPartitionThatMovedAwayAndCameBackAfterASeekReadsOnFromTheCommittedOffset() {
        send(records(P0, 10, 16));
        assertThat(kafka.position(P0)).isEqualTo(15);

        // Before the records read again came, another instance had the partition and stored up to 19;
        // back here, the consumer reads on from the committed offset.
        kafka.commitSync(Map.of(P0, new OffsetAndMetadata(20)));
        MockEndpoint.resetMocks(context);
        send(batch(
                record(P0, 20, row("00000000-0000-4000-8000-000000000020")),
                record(P0, 21, row("00000000-0000-4000-8000-000000000021"))));
        assertThat(ranges()).containsExactly("0:20-21");
        assertThat(kafka.committed(Set.of(P0)).get(P0)).isEqualTo(new OffsetAndMetadata(22, ""));
    }

    @Test
    void recordsOfAPartitionThisConsumerNoLongerOwnsAreLeftToItsNewOwner() {
        kafka.assign(List.of(P1)); // a rebalance between the poll and the batch (MockConsumer forgets commits here)
        kafka.commitSync(Map.of(P1, new OffsetAndMetadata(20)));

        send(batch(
                record(P0, 10, row("00000000-0000-4000-8000-000000000010")),
                record(P1, 20, row("00000000-0000-4000-8000-000000000020"))));

        assertThat(ranges()).containsExactly("1:20-20");
        assertThat(kafka.committed(Set.of(P0))).as("no plan, no commit for P0").isEmpty();
        assertThat(kafka.committed(Set.of(P1))).containsEntry(P1, new OffsetAndMetadata(21));
    }

    @Test
    void aGapAfterTheCommittedOffsetHoldsNoRecordAndIsPassed() {
        // P0: 10 and 11 are a transaction's commit markers; P1: 20 to 24 were deleted by retention.
        kafka.updateBeginningOffsets(Map.of(P0, 0L, P1, 25L));

        send(batch(
                record(P0, 12, row("00000000-0000-4000-8000-000000000012")),
                record(P1, 25, row("00000000-0000-4000-8000-000000000025"))));

        assertThat(ranges()).containsExactly("0:12-12", "1:25-25");
        assertThat(kafka.committed(Set.of(P0, P1))).containsEntry(P0, new OffsetAndMetadata(13))
                .containsEntry(P1, new OffsetAndMetadata(26));
    }

    @Test
    void recordsAtOrBelowTheCommittedOffsetAreDoneAlready() {
        kafka.commitSync(Map.of(P0, new OffsetAndMetadata(11)));

        send(batch(
                record(P0, 10, row("00000000-0000-4000-8000-000000000010")),
                record(P0, 11, row("00000000-0000-4000-8000-000000000011"))));

        assertThat(ranges()).containsExactly("0:11-11");
    }

    @Test
    void eventsAnotherBlockStoredAreDroppedAndThisBlocksOwnStayForItsRetry() {
        kafka.commitSync(Map.of(P0, new OffsetAndMetadata(10, "blocks:n1/10-12")));
        stored.at.put("00000000-0000-4000-8000-000000000010", List.of(new StoredEvents.Location("analytics.orders:3:n2:7-9")));
        stored.at.put("00000000-0000-4000-8000-000000000011", List.of(new StoredEvents.Location("analytics.orders:0:n1:10-12")));

        send(batch(
                record(P0, 10, row("00000000-0000-4000-8000-000000000010")),
                record(P0, 11, row("00000000-0000-4000-8000-000000000011")),
                record(P0, 12, row("00000000-0000-4000-8000-000000000011"))));

        assertThat(blocks().get(0).rows()).extracting(SinkRow::offset).as("10 is stored by another block, 12 repeats 11")
                .containsExactly(11L);
        assertThat(stored.lookups).hasSize(1);
    }

    @Test
    void rowsThatCanNeverBeStoredGoToTheDeadLetterTopicWithTheReasonAndTheRestIsCommitted() {
        insert.whenAnyExchangeReceived(e -> {
            SinkBlock block = (SinkBlock) e.getIn().getBody(List.class).get(0);
            SinkRow r = block.rows().get(0);
            block.refused().add(new RefusedRow(r.partition(), r.offset(), r.key(), r.json(1),
                    "ClickHouse refused the row: Code: 27, Cannot parse input"));
        });

        send(batch(
                record(P0, 10, "not json"),
                record(P0, 11, "{\"event_id\":\"nope\"}"),
                record(P0, 12, row("00000000-0000-4000-8000-000000000012"))));

        assertThat(dlq.getReceivedExchanges()).extracting(e -> e.getIn().getHeader("dlq.reason", String.class)).containsExactly(
                "value is not valid JSON", "event_id missing or not a UUID", "ClickHouse refused the row: Code: 27, Cannot parse input");
        assertThat(dlq.getReceivedExchanges()).extracting(e -> e.getIn().getHeader(KafkaConstants.KEY))
                .containsExactly("k10", "k11", "k12");
        assertThat(dlq.getReceivedExchanges().get(0).getIn().getHeader("dlq.origin")).isEqualTo("analytics.orders/0/10");
        assertThat(dlq.getReceivedExchanges().get(0).getIn().getBody(String.class)).isEqualTo("not json");
        assertThat(kafka.committed(Set.of(P0)).get(P0)).isEqualTo(new OffsetAndMetadata(13, ""));
    }

    @Test
    void whenTheDeadLetterTopicRefusesNothingIsCommitted() {
        dlq.whenAnyExchangeReceived(e -> {
            throw new IllegalStateException("Kafka is away");
        });

        Exchange failed = send(batch(record(P0, 10, "not json")));

        assertThat(failed.getException()).hasMessageContaining("Kafka is away");
        assertThat(kafka.committed(Set.of(P0)).get(P0).metadata()).matches("blocks:[0-9a-z]+/10-10");
    }

    // ---- helpers ----

    /** As camel-kafka's batching consumer hands a batch to the route: one exchange whose body lists the records. */
    Exchange send(List<Exchange> records) {
        return template.send("direct:batch", e -> e.getIn().setBody(records));
    }

    /** The blocks inserted, in order (each INSERT's list of blocks one after the other). */
    @SuppressWarnings("unchecked")
    List<SinkBlock> blocks() {
        return insert.getReceivedExchanges().stream().flatMap(e -> ((List<SinkBlock>) e.getIn().getBody(List.class)).stream())
                .toList();
    }

    /** The blocks inserted, as partition:first-last. */
    List<String> ranges() {
        return blocks().stream().map(b -> b.partition() + ":" + b.range()).toList();
    }

    List<Exchange> batch(Exchange... records) {
        return List.of(records);
    }

    /** The records of offsets from to to (two digits) of a partition, each its own event. */
    List<Exchange> records(TopicPartition tp, int from, int to) {
        List<Exchange> records = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            records.add(record(tp, i, row("00000000-0000-4000-8000-0000000000" + i)));
        }
        return records;
    }

    Exchange record(TopicPartition tp, long offset, String value) {
        Exchange e = new DefaultExchange(context);
        e.getIn().setHeader(KafkaConstants.TOPIC, tp.topic());
        e.getIn().setHeader(KafkaConstants.PARTITION, tp.partition());
        e.getIn().setHeader(KafkaConstants.OFFSET, offset);
        e.getIn().setHeader(KafkaConstants.KEY, "k" + offset);
        e.getIn().setHeader(KafkaConstants.MANUAL_COMMIT, new KafkaOffsets.Handle(kafka, Duration.ofSeconds(1)));
        // As the route's consumer hands values on (ByteArrayDeserializer).
        e.getIn().setBody(value == null ? null : value.getBytes(StandardCharsets.UTF_8));
        return e;
    }

    static String row(String eventId) {
        return "{\"event_id\":\"" + eventId + "\",\"event_type\":\"OrderCreated\",\"order_id\":\"o\",\"user_id\":\"u\","
                + "\"total_amount\":10.00,\"status\":\"PENDING\",\"created_at\":\"2026-11-25 10:00:00\","
                + "\"event_time\":\"2026-11-25 10:00:00\"}";
    }

    /** What ClickHouse holds already: a fixed answer, and the lookups made. */
    static final class Stored implements StoredEvents {
        final Map<String, List<Location>> at = new HashMap<>();
        final List<Collection<String>> lookups = new ArrayList<>();
        /** Lookups still to fail, as with ClickHouse away. */
        int failures;

        @Override
        public Map<String, List<Location>> locations(Collection<String> eventIds, String minTime, String maxTime) {
            lookups.add(List.copyOf(eventIds));
            if (failures > 0) {
                failures--;
                throw new IllegalStateException("ClickHouse at http://127.0.0.1:8123/ not reachable");
            }
            Map<String, List<Location>> found = new HashMap<>();
            eventIds.forEach(id -> {
                if (at.containsKey(id)) {
                    found.put(id, at.get(id));
                }
            });
            return found;
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration(exclude = {DataSourceAutoConfiguration.class, FlywayAutoConfiguration.class})
    @Import(SinkConfig.class)
    static class Config {

        @Bean
        Stored stored() {
            return new Stored();
        }

        @Bean
        MeterRegistry meterRegistry() {
            return new SimpleMeterRegistry();
        }

        @Bean("sinkBlocks")
        SinkBlocks sinkBlocks(Stored stored, MeterRegistry meters) {
            return new SinkBlocks(stored, () -> true, JsonMapper.builder().findAndAddModules().build(), meters, 5);
        }

        /** Only its refused-rows and dead-letter steps run here: the insert itself is mock:insert. */
        @Bean("clickHouseBlocks")
        ClickHouseBlockWriter clickHouseBlocks(MeterRegistry meters) {
            return new ClickHouseBlockWriter(null, TOKENS::get, meters);
        }
    }
}
