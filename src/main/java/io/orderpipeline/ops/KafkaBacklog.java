package io.orderpipeline.ops;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What waits between the stages on Kafka: each consumer group's lag (records committed to its topic
 * that it has not committed as read), and how many records each dead-letter topic holds. An
 * inspection beside the routes, not a stage: camel-kafka has no admin API, and its consumer always
 * joins a group, while every instance must see every dead letter (README "Where the code talks to
 * Kafka itself").
 */
public class KafkaBacklog implements AutoCloseable {

    /** A consumer group and the topic it reads, named after its stage. */
    public record Stage(String name, String group, String topic) {
    }

    /** A record on a dead-letter topic: where it is, its key, headers and value (cut at {@link #KEPT_VALUE} characters). */
    public record DeadLetterRecord(String topic, int partition, long offset, long timestamp, String key,
                                   Map<String, String> headers, String value, boolean cut) {
        /** Where it is, as the console names records: "topic/partition/offset". */
        public String where() {
            return KafkaBacklog.where(topic, partition, offset);
        }
    }

    public static String where(String topic, int partition, long offset) {
        return topic + "/" + partition + "/" + offset;
    }

    /** A partition as listings name it: "topic/partition". */
    private static String name(TopicPartition p) {
        return p.topic() + "/" + p.partition();
    }

    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    /** Dead letters kept in memory for the console (the newest), and how much of each value. */
    static final int KEPT_RECORDS = 2000;
    static final int KEPT_VALUE = 16_384;

    private final Admin admin;
    private final String brokers;
    private final List<Stage> stages;
    private final List<String> deadLetterTopics;
    private final Map<TopicPartition, Long> deadLetterRecords = new HashMap<>();
    /** Undecided records for the console, oldest first, by "topic/partition/offset". */
    private final LinkedHashMap<String, DeadLetterRecord> kept = new LinkedHashMap<>();
    /** Undecided records that fell out of {@link #kept} (over {@value #KEPT_RECORDS}), by key: still there for an "all" decision. */
    private final java.util.LinkedHashSet<String> notKept = new java.util.LinkedHashSet<>();
    private Predicate<DeadLetterRecord> others = r -> false;
    private Predicate<String> decided = key -> false;
    private KafkaConsumer<byte[], byte[]> reader;

    public KafkaBacklog(Admin admin, String brokers, List<Stage> stages, List<String> deadLetterTopics) {
        this.admin = admin;
        this.brokers = brokers;
        this.stages = List.copyOf(stages);
        this.deadLetterTopics = List.copyOf(deadLetterTopics);
    }

    public List<Stage> stages() {
        return stages;
    }

    /**
     * Each stage's lag: the last stable offset (read_committed) less the group's committed offset,
     * summed over the topic's partitions. A transactional topic's commit marker counts as one
     * record, so a drained stage reads 0 or a few (one per partition at most).
     */
    public synchronized Map<String, Long> lag() throws Exception {
        Map<String, Long> lag = new LinkedHashMap<>();
        for (Stage stage : stages) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(stage.group())
                    .partitionsToOffsetAndMetadata().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            long sum = 0;
            for (var end : ends(List.of(stage.topic()), OffsetSpec.latest()).entrySet()) {
                OffsetAndMetadata at = committed.get(end.getKey());
                sum += Math.max(0, end.getValue() - (at == null ? 0 : at.offset()));
            }
            lag.put(stage.name(), sum);
        }
        return lag;
    }

    /**
     * Records on each dead-letter topic, counted by reading them (read_committed): offsets would
     * count transaction markers and aborted records too. Reads on from where the last call stopped.
     */
    public synchronized Map<String, Long> deadLetters() {
        KafkaConsumer<byte[], byte[]> c = reader();
        if (c.assignment().isEmpty()) {
            List<TopicPartition> all = new ArrayList<>();
            for (String topic : deadLetterTopics) {
                c.partitionsFor(topic, TIMEOUT).forEach(p -> all.add(new TopicPartition(topic, p.partition())));
            }
            c.assign(all);
            c.seekToBeginning(all);
        }
        Map<TopicPartition, Long> ends = c.endOffsets(c.assignment(), TIMEOUT);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!caughtUp(c, ends) && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
                deadLetterRecords.merge(new TopicPartition(r.topic(), r.partition()), 1L, Long::sum);
                keep(r);
            }
        }
        Map<String, Long> counts = new LinkedHashMap<>();
        deadLetterTopics.forEach(t -> counts.put(t, 0L));
        deadLetterRecords.forEach((p, n) -> counts.merge(p.topic(), n, Long::sum));
        return counts;
    }

    /**
     * Which records the console leaves to others (the relay's, shown as outbox rows) and which it
     * has decided on (by "topic/partition/offset"): both are counted but not kept, so the kept ones
     * are the undecided.
     */
    public synchronized void skip(Predicate<DeadLetterRecord> others, Predicate<String> decided) {
        this.others = others;
        this.decided = decided;
        forgetDecided();
    }

    private void forgetDecided() {
        kept.keySet().removeIf(decided);
        notKept.removeIf(decided);
    }

    /** What the reader had read up to (exclusive, per "topic/partition") and kept of it, for one listing. */
    public record Listing(List<DeadLetterRecord> records, long notListed, Map<String, Long> readUpTo) {
    }

    /** The undecided dead letters read so far (the newest {@value #KEPT_RECORDS}), oldest first. */
    public synchronized Listing deadLetterRecords() {
        deadLetters();
        forgetDecided();
        Map<String, Long> upTo = new LinkedHashMap<>();
        for (TopicPartition p : reader().assignment()) {
            upTo.put(name(p), reader.position(p, TIMEOUT));
        }
        return new Listing(List.copyOf(kept.values()), notKept.size(), upTo);
    }

    /** The console decided on one record: it is no longer kept, listed or counted as not listed. */
    public synchronized void forget(String topic, int partition, long offset) {
        String where = where(topic, partition, offset);
        kept.remove(where);
        notKept.remove(where);
    }

    /** The partitions of the dead-letter topics, as "topic/partition": what an "all" decision may name. */
    public synchronized java.util.Set<String> partitions() {
        if (reader().assignment().isEmpty()) {
            deadLetters(); // assigns the reader; afterwards the names need no read
        }
        java.util.Set<String> names = new java.util.HashSet<>();
        reader.assignment().forEach(p -> names.add(name(p)));
        return names;
    }

    /**
     * Every record of the dead-letter topics below the given offsets (per "topic/partition", as
     * {@link #partitions()} names them), read again whole by a consumer of its own, in offset
     * order: an "all" decision covers the records that no longer fit in memory too.
     */
    public void scan(Map<String, Long> upTo, Consumer<DeadLetterRecord> each) {
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(readerSettings("order-pipeline-dead-letter-scan"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            Map<TopicPartition, Long> bounds = new HashMap<>();
            upTo.forEach((tp, end) -> {
                int slash = tp.lastIndexOf('/');
                String topic = tp.substring(0, slash);
                if (deadLetterTopics.contains(topic)) {
                    bounds.put(new TopicPartition(topic, Integer.parseInt(tp.substring(slash + 1))), end);
                }
            });
            c.assign(bounds.keySet());
            c.seekToBeginning(bounds.keySet());
            Map<TopicPartition, Long> ends = c.endOffsets(bounds.keySet(), TIMEOUT);
            bounds.replaceAll((p, end) -> Math.min(end, ends.getOrDefault(p, 0L)));
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (!bounds.entrySet().stream().allMatch(e -> c.position(e.getKey(), TIMEOUT) >= e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new org.apache.kafka.common.errors.TimeoutException("the dead-letter topics were not read to the listed offsets within a minute");
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.offset() < bounds.get(new TopicPartition(r.topic(), r.partition()))) {
                        each.accept(record(r, Integer.MAX_VALUE));
                    }
                }
            }
        }
    }

    /** One dead letter read again whole, or null when the topic no longer has it. */
    public DeadLetterRecord read(String topic, int partition, long offset) {
        if (!deadLetterTopics.contains(topic)) {
            return null;
        }
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(readerSettings("order-pipeline-dead-letter-read"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition p = new TopicPartition(topic, partition);
            // Asking for the end first tells "no such record" (null) from "Kafka did not answer" (an exception).
            if (offset < 0 || offset >= c.endOffsets(List.of(p), TIMEOUT).getOrDefault(p, 0L)) {
                return null;
            }
            c.assign(List.of(p));
            c.seek(p, offset);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (c.position(p, TIMEOUT) <= offset) {
                if (System.nanoTime() > deadline) {
                    throw new org.apache.kafka.common.errors.TimeoutException("record " + where(topic, partition, offset)
                            + " was not read within " + TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.offset() == offset) {
                        return record(r, Integer.MAX_VALUE);
                    }
                    if (r.offset() > offset) {
                        return null;
                    }
                }
            }
            return null;
        }
    }

    private void keep(ConsumerRecord<byte[], byte[]> r) {
        DeadLetterRecord record = record(r, KEPT_VALUE);
        if (others.test(record) || decided.test(record.where())) {
            return;
        }
        kept.put(record.where(), record);
        if (kept.size() > KEPT_RECORDS) {
            var oldest = kept.keySet().iterator();
            notKept.add(oldest.next());
            oldest.remove();
        }
    }

    private static DeadLetterRecord record(ConsumerRecord<byte[], byte[]> r, int maxValue) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (var h : r.headers()) {
            if (h.value() != null && h.value().length <= 4096) {
                headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
            }
        }
        String value = r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8);
        boolean cut = value != null && value.length() > maxValue;
        return new DeadLetterRecord(r.topic(), r.partition(), r.offset(), r.timestamp(),
                r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8), headers,
                cut ? value.substring(0, maxValue) : value, cut);
    }

    private static boolean caughtUp(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> ends) {
        return ends.entrySet().stream().allMatch(e -> c.position(e.getKey(), TIMEOUT) >= e.getValue());
    }

    private Map<TopicPartition, Long> ends(List<String> topics, OffsetSpec spec) throws Exception {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        admin.describeTopics(topics).allTopicNames().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).forEach((topic, d) ->
                d.partitions().forEach(p -> request.put(new TopicPartition(topic, p.partition()), spec)));
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).forEach((p, info) -> ends.put(p, info.offset()));
        return ends;
    }

    private KafkaConsumer<byte[], byte[]> reader() {
        if (reader == null) {
            reader = new KafkaConsumer<>(readerSettings("order-pipeline-dead-letter-count"), new ByteArrayDeserializer(),
                    new ByteArrayDeserializer());
        }
        return reader;
    }

    private Properties readerSettings(String clientId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        // Records retention removed under the reader: go on from the oldest left, not the end.
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // A missing dead-letter topic is reported, not created with the broker's defaults.
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        return props;
    }

    @Override
    public synchronized void close() {
        if (reader != null) {
            reader.close(Duration.ofSeconds(1));
        }
    }
}
