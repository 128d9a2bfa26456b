package io.orderpipeline.sink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.orderpipeline.platform.ClickHouseSchema;
import io.orderpipeline.platform.KafkaOffsets;

import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The sink route's planning and committing steps (routes/clickhouse-sink.camel.yaml). A polled batch
 * becomes blocks, one per partition, whose offset ranges (and a nonce of the plan) are recorded with
 * the partition's committed offset before anything is inserted, so that whoever inserts them again
 * (a retry, a restarted instance, the instance a rebalance hands the partition to) cuts the very
 * same blocks. Offsets move past a block only after it is in ClickHouse.
 */
@Component("sinkBlocks")
public class SinkBlocks {

    private static final Logger log = LoggerFactory.getLogger(SinkBlocks.class);
    /** Exchange property: the offsets to commit once every block of the batch is in. */
    public static final String COMMIT = "sinkCommit";
    /** Exchange property: the consumer's handle. */
    public static final String OFFSETS = "sinkOffsets";
    /** Exchange property: what the consumer keeps of its partitions once the batch is committed. */
    static final String KEPT = "sinkKept";
    static final String PLAN_PREFIX = "blocks:";
    private static final Pattern PLANNED = Pattern.compile("([0-9a-z]+)/(\\d+)-(\\d+)");
    private static final DateTimeFormatter CLICKHOUSE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final StoredEvents stored;
    private final BooleanSupplier schemaReady;
    private final ObjectReader reader;
    private final JsonFactory factory;
    private final Counter duplicates;
    private final int maxBlock;
    /** Records read of a planned block whose rest is still to be read, per partition, for the consumer that read them. */
    private final Map<TopicPartition, Carried> carried = new ConcurrentHashMap<>();
    /** Partitions a consumer was sought back on, until the records read again reach it. */
    private final Map<TopicPartition, Rewound> rewound = new ConcurrentHashMap<>();

    private record Carried(Object consumer, List<SinkRecord> records) {
    }

    /**
     * A partition the consumer was sought back to {@code from} on, the first record past a batch's
     * blocks; {@code last} is the last it had read. Records of the partition it polled before the
     * seek (all past {@code last}) may still come in the next batch, before the ones read again:
     * kept, they would sit behind a gap the planner takes for commit markers. So the partition's
     * records count from the first at or before {@code last}.
     */
    private record Rewound(Object consumer, long from, long last) {

        /** The records read again, in the order polled (none yet: all were polled before the seek). */
        List<SinkRecord> again(List<SinkRecord> polled, LongSupplier beginning) {
            for (int i = 0; i < polled.size(); i++) {
                if (polled.get(i).offset() <= last) {
                    return polled.subList(i, polled.size());
                }
            }
            // Retention deleted every record read again: Kafka goes on from its first record.
            return beginning.getAsLong() > last ? polled : List.of();
        }
    }

    /** The consumer's carried records and seeks after a batch, for the partitions it owns. */
    private record Kept(Object consumer, Set<TopicPartition> owned, Map<TopicPartition, Carried> carried,
                        Map<TopicPartition, Rewound> rewound) {
    }

    /**
     * A block recorded with a partition's committed offset: "blocks:" then nonce/first-last,
     * comma-separated. This version plans one block per partition and batch; 8205c6c wrote several,
     * and a partition may still hold such a plan, so each entry is read.
     */
    record Planned(String nonce, long first, long last) {
    }

    @Autowired
    public SinkBlocks(StoredEvents stored, ClickHouseSchema schema, ObjectMapper json, MeterRegistry meters,
                      @Value("${app.sink.max-batch:30000}") int maxBlock) {
        this(stored, schema::isApplied, json, meters, maxBlock);
    }

    SinkBlocks(StoredEvents stored, BooleanSupplier schemaReady, ObjectMapper json, MeterRegistry meters, int maxBlock) {
        this.stored = stored;
        this.schemaReady = schemaReady;
        // Amounts pass through exactly as written: 10.00 must not come out as 1E+1.
        this.reader = json.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .with(JsonNodeFactory.withExactBigDecimals(true));
        this.factory = json.getFactory();
        this.duplicates = Counter.builder("pipeline.sink.duplicates.dropped")
                .description("Events dropped because ClickHouse holds them already").register(meters);
        this.maxBlock = maxBlock;
    }

    /**
     * Body in: camel-kafka's batch (one exchange per record). Body out: the blocks to insert, in
     * order. Records of partitions this consumer no longer owns (a rebalance came between the poll
     * and now) and records at or before a partition's committed offset (done already) are left out.
     * A partition with a planned block goes on with exactly that block, once it has read all of it
     * (what it read of it waits here for the next batch, with the consumer that read it: a consumer
     * that starts over reads it again); otherwise with a new block of at most the block size. What it
     * read past the block is read again: the consumer is sought back to it (see {@link Rewound}).
     * Nothing changes here until the batch is committed: a retry of this step plans the same.
     */
    public List<SinkBlock> plan(Exchange batch) {
        if (!schemaReady.getAsBoolean()) {
            throw new IllegalStateException("the ClickHouse schema is not up to date yet (platform/ClickHouseSchema retries it)");
        }
        @SuppressWarnings("unchecked")
        List<Exchange> polled = batch.getIn().getBody(List.class);
        // Every record carries a handle on the same consumer.
        KafkaOffsets.Handle offsets = polled.isEmpty() ? null
                : polled.get(0).getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaOffsets.Handle.class);
        if (offsets == null) {
            throw new IllegalStateException("the sink's kafka endpoint must use kafkaManualCommitFactory=#sinkOffsets");
        }
        Map<TopicPartition, List<SinkRecord>> byPartition = new LinkedHashMap<>();
        for (Exchange e : polled) {
            Message m = e.getMessage();
            String topic = m.getHeader(KafkaConstants.TOPIC, String.class);
            int partition = m.getHeader(KafkaConstants.PARTITION, Integer.class);
            byPartition.computeIfAbsent(new TopicPartition(topic, partition), k -> new ArrayList<>())
                    .add(new SinkRecord(partition, m.getHeader(KafkaConstants.OFFSET, Long.class),
                            m.getHeader(KafkaConstants.KEY, String.class), m.getBody(byte[].class),
                            m.getHeader(KafkaConstants.TIMESTAMP, 0L, Long.class)));
        }
        batch.setProperty(OFFSETS, offsets);
        Set<TopicPartition> owned = Set.copyOf(offsets.assignment());
        Object consumer = offsets.consumer();
        if (byPartition.keySet().retainAll(owned)) {
            log.debug("Left out records of partitions this consumer no longer owns (assigned now: {})", owned);
        }
        Kept kept = new Kept(consumer, owned, new HashMap<>(), new HashMap<>());
        // One request whatever the number of partitions asked for.
        Map<TopicPartition, OffsetAndMetadata> committed = offsets.committed(owned);
        for (TopicPartition tp : owned) {
            Rewound r = rewound.get(tp);
            List<SinkRecord> read = byPartition.get(tp);
            OffsetAndMetadata at = committed.get(tp);
            // Another consumer went past the records read again (the partition moved and came back):
            // this one reads on from the committed offset.
            boolean moved = at != null && r != null && at.offset() > r.last();
            if (r != null && r.consumer() == consumer && read != null && !moved) {
                List<SinkRecord> again = r.again(read, () -> offsets.beginning(tp));
                if (again.size() < read.size()) {
                    log.debug("{}: left out {} records polled before it was read again from {}", tp,
                            read.size() - again.size(), r.from());
                }
                byPartition.put(tp, again);
                if (again.isEmpty()) {
                    kept.rewound().put(tp, r); // the records read again are still to come
                }
            }
            Carried c = carried.get(tp);
            if (c != null && c.consumer() == consumer) {
                byPartition.computeIfAbsent(tp, k -> new ArrayList<>()).addAll(0, c.records());
            }
        }
        List<SinkBlock> blocks = new ArrayList<>();
        Map<TopicPartition, OffsetAndMetadata> plans = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
        for (Map.Entry<TopicPartition, List<SinkRecord>> entry : byPartition.entrySet()) {
            TopicPartition tp = entry.getKey();
            OffsetAndMetadata at = committed.get(tp);
            List<SinkRecord> read = inOffsetOrder(entry.getValue());
            if (read.isEmpty()) {
                continue;
            }
            long start = at == null ? read.get(0).offset() : at.offset();
            List<Planned> planned = at == null ? List.of() : planned(at.metadata());
            int first = 0;
            while (first < read.size() && read.get(first).offset() < start) {
                first++;
            }
            List<SinkRecord> records = read.subList(first, read.size());
            if (records.isEmpty()) {
                continue;
            }
            // The consumer hands each partition's records on in order from the committed offset (or
            // from where the sink sought it back to), so a gap holds no record: a transaction's
            // commit marker, an aborted or compacted record, or one retention deleted. The last is a
            // loss worth saying.
            if (records.get(0).offset() > start + 1 && offsets.beginning(tp) > start) {
                log.error("Records of {} from offset {} to {} were deleted by Kafka before the sink stored them", tp,
                        start, records.get(0).offset() - 1);
            }
            Cut cut = cut(tp, records, planned);
            if (!cut.waiting().isEmpty()) {
                kept.carried().put(tp, new Carried(consumer, cut.waiting()));
            }
            if (!cut.past().isEmpty()) {
                long from = cut.past().get(0).offset();
                offsets.seek(tp, from);
                kept.rewound().put(tp, new Rewound(consumer, from, cut.past().get(cut.past().size() - 1).offset()));
            }
            if (!cut.blocks().isEmpty()) {
                blocks.addAll(cut.blocks());
                plans.put(tp, new OffsetAndMetadata(start, metadata(cut.blocks(), cut.unfinished())));
                done.put(tp, new OffsetAndMetadata(cut.blocks().get(cut.blocks().size() - 1).last() + 1,
                        metadata(List.of(), cut.unfinished())));
            }
        }
        // Before any insert: the blocks' boundaries survive a crash or a rebalance.
        offsets.commit(plans);
        batch.setProperty(COMMIT, done);
        batch.setProperty(KEPT, kept);
        fill(blocks);
        return blocks;
    }

    /**
     * The records in offset order, each once: a batch may hold a record twice after a rebalance. As
     * polled when they are so already (nearly always: a map of 30,000 boxed offsets per batch was
     * a tenth of what the sink's consumer thread allocated).
     */
    private static List<SinkRecord> inOffsetOrder(List<SinkRecord> polled) {
        for (int i = 1; i < polled.size(); i++) {
            if (polled.get(i).offset() <= polled.get(i - 1).offset()) {
                TreeMap<Long, SinkRecord> read = new TreeMap<>();
                polled.forEach(r -> read.putIfAbsent(r.offset(), r));
                return new ArrayList<>(read.values());
            }
        }
        return polled;
    }

    /**
     * A partition's blocks of this batch in offset order: the blocks planned before that it holds
     * whole, or else one new block; the records read of a planned block the batch does not hold whole
     * (they wait here: the rest is still to be read, so a batch comes); the planned blocks not reached
     * yet; the records read past the blocks.
     */
    private record Cut(List<SinkBlock> blocks, List<SinkRecord> waiting, List<Planned> unfinished, List<SinkRecord> past) {
    }

    /**
     * The blocks planned before, each once read whole (its nonce and range again), or else one new
     * block of at most maxBlock records. What was read past them is not kept for a next batch (once
     * traffic stops, camel-kafka's batching consumer makes none: the records would wait for the next
     * order), nor made into further blocks (a plan that grew with every failed batch would outgrow
     * the offset metadata): it is read again.
     */
    private Cut cut(TopicPartition tp, List<SinkRecord> records, List<Planned> planned) {
        List<Planned> plans = planned.stream().filter(p -> p.last() >= records.get(0).offset()).toList();
        List<SinkBlock> blocks = new ArrayList<>();
        int from = 0;
        for (int i = 0; i < plans.size(); i++) {
            Planned plan = plans.get(i);
            if (from == records.size()) {
                return new Cut(blocks, List.of(), plans.subList(i, plans.size()), List.of());
            }
            long first = records.get(from).offset();
            if (plan.first() != first) {
                log.error("{}: the planned block {}-{} does not start at the offset after the last block, {}; planning anew",
                        tp, plan.first(), plan.last(), first);
                break;
            }
            if (records.get(records.size() - 1).offset() < plan.last()) {
                return new Cut(blocks, List.copyOf(records.subList(from, records.size())), plans.subList(i, plans.size()),
                        List.of());
            }
            int to = from;
            while (to < records.size() && records.get(to).offset() <= plan.last()) {
                to++;
            }
            blocks.add(new SinkBlock(tp.topic(), tp.partition(), plan.nonce(), plan.first(), plan.last(), true,
                    List.copyOf(records.subList(from, to))));
            from = to;
        }
        if (blocks.isEmpty()) {
            int to = Math.min(records.size(), maxBlock);
            blocks.add(new SinkBlock(tp.topic(), tp.partition(), nonce(), records.get(0).offset(),
                    records.get(to - 1).offset(), false, List.copyOf(records.subList(0, to))));
            from = to;
        }
        return new Cut(blocks, List.of(), List.of(), List.copyOf(records.subList(from, records.size())));
    }

    /** The committed offset's metadata naming the blocks to insert from it, in order ("" for none). */
    private static String metadata(List<SinkBlock> blocks, List<Planned> unfinished) {
        if (blocks.isEmpty() && unfinished.isEmpty()) {
            return "";
        }
        StringJoiner plan = new StringJoiner(",", PLAN_PREFIX, "");
        blocks.forEach(b -> plan.add(b.nonce() + "/" + b.range()));
        unfinished.forEach(p -> plan.add(p.nonce() + "/" + p.first() + "-" + p.last()));
        return plan.toString();
    }

    static List<Planned> planned(String metadata) {
        if (metadata == null || !metadata.startsWith(PLAN_PREFIX)) {
            return List.of();
        }
        List<Planned> planned = new ArrayList<>();
        var m = PLANNED.matcher(metadata.substring(PLAN_PREFIX.length()));
        while (m.find()) {
            planned.add(new Planned(m.group(1), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))));
        }
        return planned;
    }

    /**
     * Tells this plan's blocks from any other of the same offsets (the topic recreated, or Kafka's
     * data lost while ClickHouse kept its own): ClickHouse would drop those as blocks it has.
     */
    private static String nonce() {
        return Long.toString(ThreadLocalRandom.current().nextLong() >>> 1, 36);
    }

    /**
     * Parses each block's records into rows (a record that is no usable row is refused now, before
     * ClickHouse sees it), and drops events another block stored already (the relay published them
     * twice, or the topic is read again from the start by a new group) or met earlier in this batch.
     * Rows that this very block stored in an earlier attempt stay in it (the block must be the same
     * each time it is inserted); the writer decides what to send of them.
     */
    private void fill(List<SinkBlock> blocks) {
        Set<String> ids = new HashSet<>(blocks.stream().mapToInt(b -> b.records().size()).sum() * 4 / 3 + 1);
        // Whether an event comes twice in the batch: rare, and only then is a second set needed.
        boolean twice = false;
        String min = null;
        String max = null;
        for (SinkBlock block : blocks) {
            String token = block.token();
            for (SinkRecord r : block.records()) {
                SinkRow row = parse(r, token, block.refused());
                if (row != null) {
                    block.rows().add(row);
                    twice |= !ids.add(row.eventId());
                    min = min == null || row.eventTime().compareTo(min) < 0 ? row.eventTime() : min;
                    max = max == null || row.eventTime().compareTo(max) > 0 ? row.eventTime() : max;
                }
            }
        }
        if (ids.isEmpty()) {
            return;
        }
        Map<String, List<StoredEvents.Location>> found = stored.locations(ids, min, max);
        if (found.isEmpty() && !twice) {
            return;
        }
        Set<String> seen = new HashSet<>(ids.size() * 4 / 3 + 1);
        int dropped = 0;
        for (SinkBlock block : blocks) {
            List<SinkRow> keep = new ArrayList<>(block.rows().size());
            for (SinkRow row : block.rows()) {
                boolean elsewhere = found.getOrDefault(row.eventId(), List.of()).stream()
                        .anyMatch(at -> !at.block().equals(block.token()));
                if (elsewhere || !seen.add(row.eventId())) {
                    dropped++;
                } else {
                    keep.add(row);
                }
            }
            block.rows().clear();
            block.rows().addAll(keep);
        }
        duplicates.increment(dropped);
    }

    /** After every block of the batch is in ClickHouse (and its refused rows in the dead letters). */
    public void commit(Exchange batch) {
        @SuppressWarnings("unchecked")
        Map<TopicPartition, OffsetAndMetadata> done = batch.getProperty(COMMIT, Map.class);
        batch.getProperty(OFFSETS, KafkaOffsets.Handle.class).commit(done);
        Kept kept = batch.getProperty(KEPT, Kept.class);
        carried.entrySet().removeIf(e -> e.getValue().consumer() == kept.consumer() || kept.owned().contains(e.getKey()));
        rewound.entrySet().removeIf(e -> e.getValue().consumer() == kept.consumer() || kept.owned().contains(e.getKey()));
        carried.putAll(kept.carried());
        rewound.putAll(kept.rewound());
    }

    /**
     * A record as a row of orders_analytics, or null (and a refusal) when it can never be one. The
     * record's JSON goes on as it came, read once by Jackson's streaming parser for its event id and
     * time (building a tree and writing it out again was half of the sink's CPU): the row's own
     * fields are appended to its bytes (SinkRow.writeTo). A record that has fields of those names
     * already, or a field twice, goes through a tree that drops them (and keeps the last).
     */
    SinkRow parse(SinkRecord r, String block, List<RefusedRow> refused) {
        byte[] value = r.value() == null ? new byte[0] : utf8(r.value());
        try (JsonParser json = factory.createParser(value)) {
            if (json.nextToken() != JsonToken.START_OBJECT) {
                refused.add(refusal(r, "value is not a JSON object"));
                return null;
            }
            long start = json.currentTokenLocation().getByteOffset();
            String eventId = "";
            String eventTime = "";
            boolean own = false;
            // A dozen names or so: a list is cheaper than a set (a HashSet per record was a tenth of
            // the sink's CPU), up to a few dozen; a record with more goes on with a set.
            List<String> names = new ArrayList<>(16);
            Set<String> many = null;
            while (json.nextToken() == JsonToken.FIELD_NAME) {
                String name = json.currentName();
                // A name twice: the tree keeps the last, as before.
                if (many != null) {
                    own |= !many.add(name);
                } else {
                    own |= names.contains(name);
                    names.add(name);
                    if (names.size() > 32) {
                        many = new HashSet<>(names);
                    }
                }
                JsonToken token = json.nextToken();
                if (token.isStructStart()) {
                    json.skipChildren();
                }
                // As the tree read them: the last of a name counts, and an object, array or null is no
                // text. Only these two are read as text: a String for every value was a third of
                // what the sink's consumer thread allocated.
                if ("event_id".equals(name)) {
                    eventId = text(json, token);
                } else if ("event_time".equals(name)) {
                    eventTime = text(json, token);
                }
                own |= SinkRow.OWN_FIELDS.contains(name);
            }
            long end = json.currentLocation().getByteOffset();
            if (!isUuid(eventId)) {
                refused.add(refusal(r, "event_id missing or not a UUID"));
                return null;
            }
            String time = normalise(eventTime);
            if (time == null) {
                refused.add(refusal(r, "event_time missing or not a time"));
                return null;
            }
            String id = eventId.toLowerCase();
            // The object's bytes without its closing brace (anything after it is ignored, as a tree
            // would). A value Jackson read as UTF-16 or 32, or with a byte order mark, goes through
            // the tree (which refuses it), as ones with fields of the sink's names do.
            if (own || !plainUtf8Object(value, start, end)) {
                byte[] head = withoutOwnFields(value);
                return new SinkRow(r.partition(), r.offset(), r.key(), id, time, r.timestamp(), block, head, head.length);
            }
            return new SinkRow(r.partition(), r.offset(), r.key(), id, time, r.timestamp(), block, value, (int) end - 1);
        } catch (IOException e) {
            refused.add(refusal(r, "value is not valid JSON"));
            return null;
        }
    }

    private static String text(JsonParser json, JsonToken token) throws IOException {
        return token.isScalarValue() && token != JsonToken.VALUE_NULL ? json.getText() : "";
    }

    /**
     * Whether the object is value[start..end), '{' to '}', after nothing but JSON whitespace: no
     * byte order mark, and byte offsets at all (Jackson gives -1 for a value it read as UTF-16 or 32).
     */
    private static boolean plainUtf8Object(byte[] value, long start, long end) {
        int first = 0;
        while (first < value.length && (value[first] == ' ' || value[first] == '\t' || value[first] == '\n' || value[first] == '\r')) {
            first++;
        }
        return first == start && end > start && end <= value.length && value[first] == '{' && value[(int) end - 1] == '}';
    }

    /**
     * The value itself when it is valid UTF-8 (nearly always, and plain ASCII is seen at a glance);
     * else as the sink read it when values were Strings: each malformed byte as U+FFFD. Jackson
     * refuses some malformed bytes and lets others through (an overlong form, an encoded surrogate),
     * which ClickHouse would store as they are.
     */
    static byte[] utf8(byte[] value) {
        int i = 0;
        while (i < value.length && value[i] >= 0) {
            i++;
        }
        if (i == value.length) {
            return value;
        }
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(value, i, value.length - i));
            return value;
        } catch (CharacterCodingException malformed) {
            return new String(value, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8);
        }
    }

    /**
     * The object's UTF-8, less the fields the sink sets itself, without its closing brace. Read as
     * UTF-8 text, not as bytes Jackson would take for UTF-16 or 32 by their zeros or mark: the sink
     * takes values as UTF-8 only, as it did when they were Strings, and refuses what is JSON only
     * in another encoding.
     */
    private byte[] withoutOwnFields(byte[] value) throws IOException {
        ObjectNode node = (ObjectNode) reader.readTree(new String(value, StandardCharsets.UTF_8));
        node.remove(SinkRow.OWN_FIELDS);
        byte[] text = node.toString().getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(text, text.length - 1);
    }

    /** "yyyy-MM-dd HH:mm:ss" of a real time (year 1 or later), which the formatter would give back unchanged. */
    private static boolean isPlainTime(String t) {
        if (!shaped(t, "9999-99-99 99:99:99")) {
            return false;
        }
        int year = Integer.parseInt(t, 0, 4, 10);
        int month = Integer.parseInt(t, 5, 7, 10);
        int day = Integer.parseInt(t, 8, 10, 10);
        int hour = Integer.parseInt(t, 11, 13, 10);
        int minute = Integer.parseInt(t, 14, 16, 10);
        int second = Integer.parseInt(t, 17, 19, 10);
        return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= YearMonth.of(year, month).lengthOfMonth()
                && hour <= 23 && minute <= 59 && second <= 59;
    }

    private static RefusedRow refusal(SinkRecord r, String reason) {
        return new RefusedRow(r.partition(), r.offset(), r.key(),
                r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8), reason);
    }

    /** 8-4-4-4-12 hex digits (what a regex said before, at 7% of the sink's CPU). */
    static boolean isUuid(String s) {
        return shaped(s, "ffffffff-ffff-ffff-ffff-ffffffffffff");
    }

    /** Whether s has the shape, where '9' stands for a digit, 'f' for a hex digit, anything else for itself. */
    private static boolean shaped(String s, String shape) {
        if (s.length() != shape.length()) {
            return false;
        }
        for (int i = 0; i < shape.length(); i++) {
            char c = s.charAt(i);
            boolean ok = switch (shape.charAt(i)) {
                case '9' -> c >= '0' && c <= '9';
                case 'f' -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
                default -> c == shape.charAt(i);
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** "yyyy-MM-dd HH:mm:ss" as written by the transformer, or an ISO-8601 instant, as UTC seconds. */
    static String normalise(String time) {
        // Already as ClickHouse reads it: most rows, without a formatter's parse.
        return isPlainTime(time) ? time : byFormatter(time);
    }

    /** normalise through the formatter: any time the plain shape does not take (and SinkRowTest's oracle for it). */
    static String byFormatter(String time) {
        try {
            return CLICKHOUSE_TIME.format(LocalDateTime.parse(time, CLICKHOUSE_TIME));
        } catch (DateTimeParseException notPlain) {
            try {
                return CLICKHOUSE_TIME.format(LocalDateTime.ofInstant(Instant.parse(time), ZoneOffset.UTC));
            } catch (DateTimeParseException notIso) {
                return null;
            }
        }
    }
}
