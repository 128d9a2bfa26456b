package io.orderpipeline.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A record of analytics.orders as the row the sink inserts: the record's JSON as it came (read once
 * for its event id and time), with the sink's own columns appended, each once.
 */
class SinkRowTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String ID = "00000000-0000-4000-8000-00000000000A";

    final SinkBlocks blocks = new SinkBlocks(null, () -> true, JSON, new SimpleMeterRegistry(), 10);
    final List<RefusedRow> refused = new ArrayList<>();

    SinkRow parse(String value) {
        return parse(value, "analytics.orders:3:n1:40-45");
    }

    SinkRow parse(String value, String block) {
        return blocks.parse(new SinkRecord(3, 42, "k", value == null ? null : value.getBytes(StandardCharsets.UTF_8), 7L), block, refused);
    }

    @Test
    void theRecordsTextGoesOnAsItCameWithTheSinksColumnsAfterIt() throws Exception {
        String value = "{\"event_id\":\"" + ID + "\",\"total_amount\":10.00,\"user\":{\"event_id\":\"x\"},"
                + "\"tags\":[1,{\"a\":2}],\"event_time\":\"2026-11-26T10:00:00Z\"}";

        SinkRow row = parse(value);

        assertThat(refused).isEmpty();
        assertThat(row.eventId()).isEqualTo(ID.toLowerCase());
        assertThat(row.eventTime()).isEqualTo("2026-11-26 10:00:00");
        String line = row.json(1234);
        assertThat(line).startsWith(value.substring(0, value.length() - 1) + ",")
                .endsWith(",\"kafka_partition\":3,\"kafka_offset\":42,\"sink_block\":\"analytics.orders:3:n1:40-45\",\"ingested_ms\":1234}");
        assertThat(line).as("exactly as written").contains("\"total_amount\":10.00,");
    }

    @Test
    void aRecordWithColumnsOfTheSinksOwnNamesOrAFieldTwiceHasEachOnce() throws Exception {
        SinkRow row = parse("{\"event_id\":\"" + ID + "\",\"kafka_offset\":1,\"sink_block\":\"forged\","
                + "\"event_time\":\"2026-11-26 10:00:00\",\"total_amount\":10.00}");

        String line = row.json(1234);
        JsonNode node = JSON.readTree(line);
        assertThat(node.get("kafka_offset").asLong()).isEqualTo(42);
        assertThat(node.get("sink_block").asText()).isEqualTo("analytics.orders:3:n1:40-45");
        assertThat(line.split("\"kafka_offset\"", -1)).as("once").hasSize(2);
        assertThat(line).contains("\"total_amount\":10.00");

        String twice = parse("{\"event_id\":\"" + ID + "\",\"status\":\"PENDING\",\"status\":\"PAID\","
                + "\"event_time\":\"2026-11-26 10:00:00\"}", "b").json(1);
        assertThat(JSON.readTree(twice).get("status").asText()).isEqualTo("PAID");
        assertThat(twice.split("\"status\"", -1)).as("once").hasSize(2);
    }

    @Test
    void aNameTwiceAmongManyIsFoundToo() throws Exception {
        StringBuilder many = new StringBuilder("{\"event_id\":\"" + ID + "\",\"event_time\":\"2026-11-26 10:00:00\"");
        for (int i = 0; i < 40; i++) {
            many.append(",\"f").append(i).append("\":").append(i);
        }
        String line = parse(many.append(",\"f3\":\"last\"}").toString(), "b").json(1);
        assertThat(JSON.readTree(line).get("f3").asText()).isEqualTo("last");
        assertThat(line.split("\"f3\"", -1)).as("once").hasSize(2);
    }

    @Test
    void theRecordsUtf8GoesOnByteForByteAndOtherEncodingsAreRefused() throws Exception {
        String value = "{\"event_id\":\"" + ID + "\",\"user_id\":\"Zoë 東京 \\u00e9\",\"event_time\":\"2026-11-26 10:00:00\"}";
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);

        SinkRow row = blocks.parse(new SinkRecord(3, 42, "k", utf8, 7L), "b", refused);
        assertThat(java.util.Arrays.copyOf(row.head(), row.headLength()))
                .isEqualTo(java.util.Arrays.copyOf(utf8, utf8.length - 1));
        assertThat(JSON.readTree(row.json(1)).get("user_id").asText()).isEqualTo("Zoë 東京 é");
        assertThat(parse(" \n" + value, "b").json(1)).as("leading whitespace passes").startsWith(" \n{");

        assertThat(refused).isEmpty();

        // Values are UTF-8: with a byte order mark, or in UTF-16 (which Jackson alone would detect), they are refused as before.
        byte[] bom = ("\uFEFF" + value).getBytes(StandardCharsets.UTF_8);
        assertThat(blocks.parse(new SinkRecord(3, 42, "k", bom, 7L), "b", refused)).isNull();
        assertThat(blocks.parse(new SinkRecord(3, 43, "k", value.getBytes(StandardCharsets.UTF_16BE), 7L), "b", refused)).isNull();
        assertThat(refused).extracting(RefusedRow::reason).containsExactly("value is not valid JSON", "value is not valid JSON");
    }

    @ParameterizedTest
    @ValueSource(strings = {"eb", "80", "c080", "eda080", "f4908080", "e282"})
    void malformedUtf8IsReadAsTheStringPathReadItEachBadByteAsAReplacementCharacter(String bad) throws Exception {
        // A Latin-1 byte, a stray continuation, an overlong form, an encoded surrogate, past U+10FFFF, a cut sequence.
        byte[] badBytes = java.util.HexFormat.of().parseHex(bad);
        java.io.ByteArrayOutputStream value = new java.io.ByteArrayOutputStream();
        value.writeBytes(("{\"event_id\":\"" + ID + "\",\"user_id\":\"Zo").getBytes(StandardCharsets.UTF_8));
        value.writeBytes(badBytes);
        value.writeBytes("\",\"event_time\":\"2026-11-26 10:00:00\"}".getBytes(StandardCharsets.UTF_8));

        SinkRow row = blocks.parse(new SinkRecord(3, 42, "k", value.toByteArray(), 7L), "b", refused);

        assertThat(refused).isEmpty();
        String asBefore = new String(value.toByteArray(), StandardCharsets.UTF_8);
        assertThat(JSON.readTree(row.json(1)).get("user_id").asText())
                .isEqualTo(JSON.readTree(asBefore).get("user_id").asText()).contains("\uFFFD");
        assertThat(SinkBlocks.utf8(row.head())).as("what goes to ClickHouse is valid UTF-8").isSameAs(row.head());
    }

    @Test
    void whatFollowsTheObjectIsLeftOutAndWhatIsNoRowIsRefusedWithItsReason() {
        SinkRow row = parse("{\"event_id\":\"" + ID + "\",\"event_time\":\"2026-11-26 10:00:00\"}  trailing", "b");
        assertThat(row.json(1)).isEqualTo("{\"event_id\":\"" + ID + "\",\"event_time\":\"2026-11-26 10:00:00\""
                + ",\"kafka_partition\":3,\"kafka_offset\":42,\"sink_block\":\"b\",\"ingested_ms\":1}");

        assertThat(parse(null)).isNull();
        assertThat(parse("[1]")).isNull();
        assertThat(parse("{\"event_id\":\"" + ID + "\"")).isNull();
        assertThat(parse("{\"event_id\":{\"nested\":\"" + ID + "\"},\"event_time\":\"2026-11-26 10:00:00\"}")).isNull();
        assertThat(parse("{\"event_id\":\"" + ID + "\",\"event_time\":null}")).isNull();
        assertThat(parse("{\"event_id\":\"" + ID + "\",\"event_id\":{},\"event_time\":\"2026-11-26 10:00:00\"}")).isNull();
        assertThat(refused).extracting(RefusedRow::reason).containsExactly("value is not a JSON object",
                "value is not a JSON object", "value is not valid JSON", "event_id missing or not a UUID",
                "event_time missing or not a time", "event_id missing or not a UUID");
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-26 10:00:00", "2024-02-29 23:59:59", "2023-02-29 10:00:00", "2026-02-30 10:00:00",
            "2026-04-31 00:00:00", "2026-13-01 00:00:00", "2026-00-10 00:00:00", "2026-11-00 00:00:00",
            "2026-11-26 24:00:00", "2026-11-26 23:60:00", "2026-11-26 23:59:60", "0000-01-01 00:00:00",
            "0001-01-01 00:00:00", "9999-12-31 23:59:59", "2026-11-26T10:00:00Z", "2026-11-26 10:00", "2026/11/26 10:00:00",
            "2026-11-26 10:00:00 ", "+2026-11-26 10:00", "2026-1a-26 10:00:00", "", "２０２６-11-26 10:00:00"})
    void plainTimesAreTakenAsTheFormatterTookThem(String time) {
        // The shortcut for plain times answers what the formatter's parse (what normalise did before it) answers.
        assertThat(SinkBlocks.normalise(time)).isEqualTo(SinkBlocks.byFormatter(time));
    }

    @ParameterizedTest
    @ValueSource(strings = {"00000000-0000-4000-8000-00000000000A", "ffffffff-FFFF-ffff-FFFF-ffffffffffff", "",
            "00000000-0000-4000-8000-00000000000", "00000000-0000-4000-8000-00000000000AB", "00000000_0000-4000-8000-00000000000A",
            "0000000g-0000-4000-8000-00000000000A", "000000000-000-4000-8000-00000000000A", "{00000000-0000-4000-8000-000000000A}"})
    void aUuidIsEightFourFourFourTwelveHexDigits(String id) {
        assertThat(SinkBlocks.isUuid(id)).isEqualTo(
                id.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"));
    }
}
