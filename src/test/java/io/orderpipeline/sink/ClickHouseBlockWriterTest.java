package io.orderpipeline.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyMap;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.orderpipeline.platform.ChunkedBody;
import io.orderpipeline.platform.ClickHouseHttp;
import io.orderpipeline.platform.ClickHouseRefusedException;

import org.junit.jupiter.api.Test;

/**
 * The writer's own handling of what ClickHouse answers, with ClickHouse's HTTP client a mock that
 * refuses any insert holding a marked row: the refused row is isolated by halving, each half under
 * its own token, the rest goes in; other failures are thrown for the route to retry.
 */
class ClickHouseBlockWriterTest {

    static final ObjectMapper JSON = new ObjectMapper();

    final ClickHouseHttp http = mock(ClickHouseHttp.class);
    final List<List<String>> accepted = new ArrayList<>();
    final List<String> tokens = new ArrayList<>();
    final ClickHouseBlockWriter writer = new ClickHouseBlockWriter(http, () -> true, new SimpleMeterRegistry());

    ClickHouseBlockWriterTest() {
        doAnswer(call -> {
            List<String> rows = call.getArgument(1, ChunkedBody.class).text().lines().toList();
            Map<String, String> settings = call.getArgument(2);
            if (rows.stream().anyMatch(r -> r.contains("\"bad\""))) {
                throw new ClickHouseRefusedException(27, true, "Code: 27, Cannot parse input");
            }
            accepted.add(rows);
            tokens.add(settings.get("insert_deduplication_token"));
            return null;
        }).when(http).insertJsonEachRow(eq(ClickHouseBlockWriter.TABLE), any(ChunkedBody.class), anyMap());
    }

    static SinkBlock block(int rows, long bad) {
        return block("n1", 100, rows, bad);
    }

    static SinkBlock block(String nonce, long first, int rows, long bad) {
        SinkBlock block = new SinkBlock("analytics.orders", 0, nonce, first, first + rows - 1, false, List.of());
        for (long offset = first; offset < first + rows; offset++) {
            byte[] head = ("{\"order_id\":\"" + (offset == bad ? "bad" : "o" + offset) + "\"").getBytes(StandardCharsets.UTF_8);
            block.rows().add(new SinkRow(0, offset, "k" + offset, "e" + offset, "2026-11-26 10:00:00", 0L, block.token(),
                    head, head.length));
        }
        return block;
    }

    @Test
    void aRowClickHouseRefusesIsIsolatedAndTheRestGoesIn() {
        SinkBlock block = block(5, 103);

        writer.insert(List.of(block));

        assertThat(block.refused()).extracting(RefusedRow::offset).containsExactly(103L);
        assertThat(block.refused().get(0).reason()).isEqualTo(ClickHouseBlockWriter.REFUSED_BY_CLICKHOUSE
                + "Code: 27, Cannot parse input");
        assertThat(accepted.stream().flatMap(List::stream).filter(r -> r.contains("\"o1"))).hasSize(4);
        assertThat(tokens).as("each part under the token of its own offset range")
                .allMatch(t -> t.startsWith("analytics.orders:0:n1:")).doesNotHaveDuplicates();
    }

    @Test
    void on18_16ARefusedRowIsTheRefusalOfItsOwnBlockWhenAPartitionHasSeveralInTheInsert() {
        ClickHouseBlockWriter old = new ClickHouseBlockWriter(http, () -> false, new SimpleMeterRegistry());
        SinkBlock planned = block("n1", 100, 3, 101);
        SinkBlock next = block("n2", 103, 3, -1);

        old.insert(List.of(planned, next));

        assertThat(planned.refused()).extracting(RefusedRow::offset).containsExactly(101L);
        assertThat(next.refused()).isEmpty();
        assertThat(accepted.stream().flatMap(List::stream).filter(r -> r.contains("\"o1"))).hasSize(5);
    }

    @Test
    void aRetryRefusesTheRowOnceNotTwice() {
        SinkBlock block = block(3, 101);

        writer.insert(List.of(block));
        writer.insert(List.of(block));

        assertThat(block.refused()).extracting(RefusedRow::offset).containsExactly(101L);
    }

    @Test
    void anotherFailureIsThrownForTheRouteToRetry() {
        doAnswer(call -> {
            throw new ClickHouseRefusedException(241, false, "Code: 241, Memory limit exceeded");
        }).when(http).insertJsonEachRow(any(), any(ChunkedBody.class), anyMap());
        SinkBlock block = block(2, -1);

        assertThatThrownBy(() -> writer.insert(List.of(block))).isInstanceOf(ClickHouseRefusedException.class);
        assertThat(block.refused()).isEmpty();
    }
}
