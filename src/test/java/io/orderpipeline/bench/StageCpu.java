package io.orderpipeline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The app's CPU time per pipeline stage, from `jcmd <pid> Thread.print` (each thread's cpu=, names
 * intact, the JVM's own threads too) and the process total from /proc/<pid>/stat. Two snapshots
 * around a load window give each stage's milliseconds of CPU; the bench divides them by the
 * requests of the window, so a regression shows where it came from.
 */
final class StageCpu {

    /** Stages by thread name, first match wins; what matches none is "other" (timers, health checks, clients). */
    static final Map<String, List<String>> STAGES = new LinkedHashMap<>();

    static {
        // Tomcat's workers, which run the Camel REST routes too (platform/ApiHttpEngine).
        STAGES.put("intake", List.of("http-nio-"));
        STAGES.put("relay", List.of("outbox-relay", "KafkaProducer[order.events]"));
        STAGES.put("transformer", List.of("KafkaConsumer[order.events]", "order-pipeline-transformer"));
        STAGES.put("sink", List.of("KafkaConsumer[analytics.orders]", "order-pipeline-clickhouse-sink"));
        // The JVM's own work in two, as they call for different cures (allocation, or a cache of compiled code).
        STAGES.put("gc", List.of("GC Thread", "G1 ", "VM Thread"));
        STAGES.put("jit", List.of("CompilerThread", "Sweeper"));
    }

    private static final Pattern THREAD = Pattern.compile("^(\".*\") (?:#\\d+ )?.*?cpu=([0-9.]+)ms.*?nid=(\\S+)");
    private static final long TICKS_PER_SECOND = 100; // USER_HZ on Linux

    private final Map<String, Double> threads;
    private final double processMillis;

    private StageCpu(Map<String, Double> threads, double processMillis) {
        this.threads = threads;
        this.processMillis = processMillis;
    }

    static StageCpu of(long pid) throws IOException, InterruptedException {
        // The jcmd of the JDK that runs the app.
        Path jcmd = Path.of(ProcessHandle.of(pid).flatMap(h -> h.info().command())
                .or(() -> ProcessHandle.current().info().command()).orElse("java")).resolveSibling("jcmd");
        // Into a file, so that the 30 s deadline holds (reading a pipe would wait for jcmd as long as it takes).
        Path dump = Files.createTempFile("thread-print", ".txt");
        String out;
        try {
            Process p = new ProcessBuilder(jcmd.toString(), String.valueOf(pid), "Thread.print").redirectErrorStream(true)
                    .redirectOutput(dump.toFile()).start();
            boolean ended = p.waitFor(30, TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly();
            }
            out = Files.readString(dump);
            if (!ended || p.exitValue() != 0) {
                throw new IllegalStateException("jcmd " + pid + " Thread.print failed: " + out);
            }
        } finally {
            Files.deleteIfExists(dump);
        }
        Map<String, Double> threads = new HashMap<>();
        for (String line : out.split("\n")) {
            Matcher m = THREAD.matcher(line);
            if (m.find()) {
                threads.put(m.group(1) + " " + m.group(3), Double.parseDouble(m.group(2)));
            }
        }
        String[] stat = Files.readString(Path.of("/proc/" + pid + "/stat")).replaceFirst("^.*\\) ", "").split(" ");
        // After the ")" that ends the command name, utime and stime are the 12th and 13th fields.
        double process = (Long.parseLong(stat[11]) + Long.parseLong(stat[12])) * 1000.0 / TICKS_PER_SECOND;
        return new StageCpu(threads, process);
    }

    /** Milliseconds of CPU per stage between this snapshot and a later one, "total" being the process's. */
    Map<String, Double> until(StageCpu later) {
        Map<String, Double> stages = new LinkedHashMap<>();
        STAGES.keySet().forEach(s -> stages.put(s, 0.0));
        stages.put("other", 0.0);
        later.threads.forEach((thread, ms) -> stages.merge(stage(thread), ms - threads.getOrDefault(thread, 0.0), Double::sum));
        // Threads that ended in between (idle pool threads) took their time with them: shown, not lost.
        double attributed = stages.values().stream().mapToDouble(Double::doubleValue).sum();
        stages.put("unattributed", later.processMillis - processMillis - attributed);
        stages.put("total", later.processMillis - processMillis);
        return stages;
    }

    static String stage(String thread) {
        for (var s : STAGES.entrySet()) {
            if (s.getValue().stream().anyMatch(thread::contains)) {
                return s.getKey();
            }
        }
        return "other";
    }
}
