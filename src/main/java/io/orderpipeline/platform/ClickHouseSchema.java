package io.orderpipeline.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.core.io.Resource;
import org.springframework.core.io.support.PathMatchingResourcePatternResolver;
import org.springframework.stereotype.Component;

/**
 * The ClickHouse schema, brought up to date when the app starts, before the routes do: first
 * scripts/init-clickhouse.sql (version 1, every statement IF NOT EXISTS, so a stack made by any
 * earlier version keeps its tables, views and rows), then each later migration
 * (scripts/clickhouse/migrations/V&lt;n&gt;__*.sql) not yet recorded in analytics.schema_migrations.
 * A migration may require a server version ("-- requires: 22.2"): on an older server it is left
 * out, and tried again at the next start. "{inner:db.view}" in a migration names the table a
 * materialized view keeps its rows in (".inner.view" on 18.16, ".inner_id.&lt;uuid&gt;" on a current
 * ClickHouse). When ClickHouse is not reachable yet, the app starts anyway and keeps trying in the
 * background. Flyway's ClickHouse support needs a driver that cannot talk to 18.16: hence these few
 * lines.
 */
@Component
public class ClickHouseSchema implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ClickHouseSchema.class);
    private static final Pattern VERSION = Pattern.compile("V(\\d+)__(.+)\\.sql");
    private static final Pattern REQUIRES = Pattern.compile("^--\\s*requires:\\s*(\\d+)\\.(\\d+)", Pattern.MULTILINE);
    private static final Pattern ADD_COLUMN = Pattern.compile(
            "^ALTER TABLE (\\w+)\\.(\\w+) ADD COLUMN (\\w+) ", Pattern.CASE_INSENSITIVE);
    private static final Pattern INNER = Pattern.compile("\\{inner:(\\w+)\\.(\\w+)}");
    /** The migration that gives the table and every view a de-duplication window (see its file). */
    public static final int DEDUPLICATION_WINDOWS = 2;

    /** One migration file. */
    public record Migration(int version, String name, String script) {

        /** The server version it needs, or null. */
        int[] requires() {
            Matcher m = REQUIRES.matcher(script);
            return m.find() ? new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))} : null;
        }
    }

    private final ClickHouseHttp clickhouse;
    private final ClickHouseProperties props;
    /** The versions recorded as applied: empty until the schema is up to date. */
    private volatile Set<Integer> done = Set.of();
    /** The scripts, read once (apply is retried while ClickHouse is away); a second read in a race is harmless. */
    private volatile Scripts scripts;

    private record Scripts(String base, List<Migration> later) {
    }
    private volatile ScheduledExecutorService retry;
    private volatile boolean running;

    public ClickHouseSchema(ClickHouseHttp clickhouse, ClickHouseProperties props) {
        this.clickhouse = clickhouse;
        this.props = props;
    }

    /** True once the schema is up to date with what this server supports. */
    public boolean isApplied() {
        return !done.isEmpty();
    }

    /**
     * True when retried inserts are recognised by their insert_deduplication_token, in the table and
     * in every view (a current ClickHouse, with the windows of migration 2 in place).
     */
    public boolean deduplicatesInserts() {
        return done.contains(DEDUPLICATION_WINDOWS);
    }

    /** Brings the schema up to date; safe to call any number of times. */
    public void apply() {
        applyTo(clickhouse::query, clickhouse::execute, clickhouse.version());
    }

    /**
     * The same, through any way of running SQL on a ClickHouse of the given version (the tests run
     * it on chdb, and on a scratch database of the local server).
     */
    public void applyTo(UnaryOperator<String> query, java.util.function.Consumer<String> execute, int[] version) {
        if (scripts == null) {
            scripts = new Scripts(read(props.schemaLocation()), migrations());
        }
        String base = scripts.base();
        List<Migration> later = scripts.later();
        statements(base).forEach(execute);
        execute.accept("CREATE TABLE IF NOT EXISTS analytics.schema_migrations (version UInt32, name String, "
                + "applied_at DateTime) ENGINE = MergeTree() ORDER BY version");
        Set<Integer> recorded = query.apply("SELECT DISTINCT version FROM analytics.schema_migrations").lines()
                .filter(l -> !l.isBlank()).map(Integer::parseInt).collect(Collectors.toSet());
        if (!recorded.contains(1)) {
            record(execute, 1, "init-clickhouse.sql");
            recorded.add(1);
        }
        for (Migration m : later) {
            if (recorded.contains(m.version())) {
                continue;
            }
            int[] needs = m.requires();
            if (needs != null && !ClickHouseHttp.atLeast(version, needs[0], needs[1])) {
                log.info("ClickHouse migration {} ({}) needs ClickHouse {}.{}; this server is {}: left out", m.version(),
                        m.name(), needs[0], needs[1], Arrays.toString(version));
                continue;
            }
            for (String statement : statements(m.script())) {
                if (!columnExists(statement, query)) {
                    execute.accept(resolveInnerTables(statement, query));
                }
            }
            record(execute, m.version(), m.name());
            recorded.add(m.version());
            log.info("ClickHouse migration {} ({}) applied", m.version(), m.name());
        }
        done = Set.copyOf(recorded);
    }

    private static void record(java.util.function.Consumer<String> execute, int version, String name) {
        execute.accept("INSERT INTO analytics.schema_migrations (version, name, applied_at) VALUES (" + version + ", '"
                + name.replace("'", "") + "', now())");
    }

    /**
     * True for an "ADD COLUMN" whose column is there already: an earlier run added it and died
     * before recording the migration. (18.16 knows no ADD COLUMN IF NOT EXISTS.)
     */
    static boolean columnExists(String statement, UnaryOperator<String> query) {
        Matcher m = ADD_COLUMN.matcher(statement);
        return m.find() && !query.apply("SELECT name FROM system.columns WHERE database = '" + m.group(1) + "' AND table = '"
                + m.group(2) + "' AND name = '" + m.group(3) + "'").isBlank();
    }

    /** "{inner:db.view}" becomes the (quoted) name of the table that keeps the view's rows. */
    static String resolveInnerTables(String statement, UnaryOperator<String> query) {
        Matcher m = INNER.matcher(statement);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String db = m.group(1);
            String view = m.group(2);
            String inner = query.apply("SELECT name FROM system.tables WHERE database = '" + db + "' AND (name = '.inner."
                    + view + "' OR name = concat('.inner_id.', toString((SELECT uuid FROM system.tables WHERE database = '"
                    + db + "' AND name = '" + view + "'))))").strip();
            if (inner.isEmpty() || inner.contains("\n")) {
                throw new IllegalStateException("cannot tell which table keeps the rows of " + db + "." + view);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(db + ".`" + inner + "`"));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The migrations after version 1, in order. */
    private List<Migration> migrations() {
        try {
            List<Migration> found = new ArrayList<>();
            for (Resource r : new PathMatchingResourcePatternResolver().getResources(props.migrations())) {
                Matcher m = VERSION.matcher(r.getFilename() == null ? "" : r.getFilename());
                if (m.matches()) {
                    found.add(new Migration(Integer.parseInt(m.group(1)), m.group(2),
                            r.getContentAsString(StandardCharsets.UTF_8)));
                }
            }
            found.sort(Comparator.comparingInt(Migration::version));
            return found;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + props.migrations(), e);
        }
    }

    private static String read(String location) {
        try {
            return new PathMatchingResourcePatternResolver().getResource(location).getContentAsString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + location, e);
        }
    }

    /**
     * The statements of a SQL script written as these are: each ends with ";" at the end of a line,
     * and "--" lines are comments. (Spring's script splitter is internal since 6.2.)
     */
    public static List<String> statements(String script) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : script.split("\n")) {
            if (line.trim().startsWith("--")) {
                continue;
            }
            current.append(line).append('\n');
            if (line.trim().endsWith(";")) {
                out.add(current.toString().trim().replaceAll(";$", ""));
                current.setLength(0);
            }
        }
        return out;
    }

    @Override
    public void start() {
        running = true;
        if (!props.initSchema() || tryApply()) {
            return;
        }
        retry = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "clickhouse-schema");
            t.setDaemon(true);
            return t;
        });
        long every = props.schemaRetryInterval().toMillis();
        retry.scheduleWithFixedDelay(() -> {
            if (tryApply()) {
                retry.shutdown();
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    private boolean tryApply() {
        try {
            apply();
            log.info("ClickHouse schema is up to date (migrations {})", done.stream().sorted().toList());
            return true;
        } catch (RuntimeException e) {
            log.warn("ClickHouse schema not applied yet, retrying in {}: {}", props.schemaRetryInterval(),
                    NestedExceptionUtils.getMostSpecificCause(e).getMessage());
            return false;
        }
    }

    @Override
    public void stop() {
        running = false;
        if (retry != null) {
            retry.shutdownNow();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Before Camel's routes (which start in the default phase), after the data sources exist. */
    @Override
    public int getPhase() {
        return Integer.MIN_VALUE + 100;
    }
}
