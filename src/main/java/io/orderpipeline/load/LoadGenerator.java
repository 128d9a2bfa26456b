package io.orderpipeline.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.orderpipeline.order.OrderStatus;

/**
 * Sends realistic order traffic to the API at a fixed rate: new orders, and status changes of
 * orders it created earlier (PENDING → PAID → SHIPPED → DELIVERED, some cancelled). Open loop: the
 * schedule does not slow down when the server does; requests beyond the in-flight limit are
 * counted as skipped. Prints a progress line every second and, at the end, the achieved rate,
 * errors and latency percentiles (optionally as JSON for `make bench`).
 *
 * <p>Usage: LoadGenerator --rate=200 --duration=30 [--url=http://localhost:8080] [--max-in-flight=256]
 * [--status-share=0.3] [--json=target/load.json]
 */
public final class LoadGenerator {

    private static final String[] STREETS = {"Main St", "Oak Ave", "Pine Rd", "Maple Dr", "Cedar Ln", "Elm St", "Lake Blvd"};
    private static final String[] CITIES = {"Springfield", "Riverton", "Fairview", "Georgetown", "Salem", "Madison"};
    private static final Pattern ID = Pattern.compile("\"id\":\"([0-9a-f-]{36})\"");

    private record Tracked(String id, String status) {
    }

    private final URI base;
    private final int rate;
    private final int durationSeconds;
    private final double statusShare;
    private final Semaphore inFlight;
    // Blocking HTTP/1.1 keep-alive connections, one per worker: java.net.http.HttpClient cost as much
    // CPU as the app it was loading (measured with make bench), which on 2 cores skews every figure.
    private final ExecutorService workers;
    private final ConcurrentLinkedQueue<Tracked> changeable = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Long> latenciesMicros = new ConcurrentLinkedQueue<>();
    // Overload refusals (503 with Retry-After) apart: how quick they are is a figure of its own.
    private final ConcurrentLinkedQueue<Long> refusedMicros = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Long> acceptedMicros = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<String> createdIds = new ConcurrentLinkedQueue<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final Map<String, AtomicLong> errors = new ConcurrentHashMap<>();
    private final AtomicLong created = new AtomicLong();
    private final AtomicLong changed = new AtomicLong();

    public LoadGenerator(URI base, int rate, int durationSeconds, double statusShare, int maxInFlight) {
        this.base = base;
        this.rate = rate;
        this.durationSeconds = durationSeconds;
        this.statusShare = statusShare;
        this.inFlight = new Semaphore(maxInFlight);
        this.workers = Executors.newFixedThreadPool(maxInFlight, r -> {
            Thread t = new Thread(() -> {
                try {
                    r.run();
                } finally {
                    closeConnection();
                }
            }, "load");
            t.setDaemon(true);
            return t;
        });
        keepAlive(maxInFlight);
    }

    /** The JDK keeps 5 idle connections per server unless told otherwise: every worker needs one. */
    public static void keepAlive(int connections) {
        if (Integer.getInteger("http.maxConnections", 5) < connections) {
            System.setProperty("http.maxConnections", String.valueOf(connections));
        }
    }

    /** An answer: its status, body, and Retry-After header (null when absent). */
    public record Response(int status, String body, String retryAfter) {
    }

    /** Ids of the orders the API acknowledged with 201 (make chaos checks each one is stored). */
    public List<String> createdOrderIds() {
        return List.copyOf(createdIds);
    }

    /** This thread's keep-alive connection for {@link #post}. */
    private static final ThreadLocal<KeepAliveHttp> CONNECTION = new ThreadLocal<>();

    /** POSTs JSON on this thread's keep-alive connection (opened on first use, kept for the next request). */
    public static Response post(URI uri, String json) throws IOException {
        KeepAliveHttp connection = CONNECTION.get();
        if (connection == null || !connection.serves(uri)) {
            closeConnection();
            connection = new KeepAliveHttp(uri);
            CONNECTION.set(connection);
        }
        return connection.exchange("POST", uri, json.getBytes(StandardCharsets.UTF_8), "application/json");
    }

    /** Closes this thread's connection for {@link #post}, if it has one. */
    public static void closeConnection() {
        KeepAliveHttp connection = CONNECTION.get();
        if (connection != null) {
            connection.close();
            CONNECTION.remove();
        }
    }

    /**
     * A GET, or a POST of any body with any content type (body null: GET), on HttpURLConnection's
     * pooled connections: the general client (make chaos's hostile requests), not the load's.
     */
    public static Response send(URI uri, String method, String body, String contentType) throws IOException {
        HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
        c.setConnectTimeout(5000);
        c.setReadTimeout(10000);
        c.setRequestMethod(method);
        if (body != null) {
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", contentType);
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            c.setFixedLengthStreamingMode(bytes.length);
            try (OutputStream out = c.getOutputStream()) {
                out.write(bytes);
            }
        }
        int status = c.getResponseCode();
        InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream();
        String answer = "";
        if (in != null) {
            try (in) {
                answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        }
        return new Response(status, answer, c.getHeaderField("Retry-After"));
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> opts = new LinkedHashMap<>();
        for (String arg : args) {
            String[] kv = arg.replaceFirst("^--", "").split("=", 2);
            opts.put(kv[0], kv.length > 1 ? kv[1] : "true");
        }
        int rate = Integer.parseInt(opts.getOrDefault("rate", "100"));
        int duration = Integer.parseInt(opts.getOrDefault("duration", "10"));
        if (rate < 1 || duration < 1) {
            System.err.println("rate and duration must be at least 1");
            System.exit(2);
        }
        LoadGenerator load = new LoadGenerator(URI.create(opts.getOrDefault("url", "http://localhost:8080")), rate,
                duration, Double.parseDouble(opts.getOrDefault("status-share", "0.3")),
                Integer.parseInt(opts.getOrDefault("max-in-flight", "256")));
        Map<String, Object> summary = load.run(System.out);
        if (opts.containsKey("json")) {
            Path out = Path.of(opts.get("json"));
            if (out.getParent() != null) {
                Files.createDirectories(out.getParent());
            }
            Files.writeString(out, new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(summary));
        }
        System.exit(load.ok.get() == 0 ? 1 : 0);
    }

    public Map<String, Object> run(PrintStream out) throws InterruptedException {
        out.printf("Sending %d requests/s for %d s to %s (%.0f%% status changes)%n", rate, durationSeconds, base,
                statusShare * 100);
        long start = System.nanoTime();
        long total = (long) rate * durationSeconds;
        long nextReport = start + TimeUnit.SECONDS.toNanos(1);
        long lastSent = 0;
        for (long i = 0; i < total; i++) {
            long due = start + i * 1_000_000_000L / rate;
            long now;
            // One wake-up per request: parking in slices of 200 µs woke this thread five times per
            // request at 1,000/s, a fifth of a core taken from the pipeline it measures (make bench).
            while ((now = System.nanoTime()) < due) {
                LockSupport.parkNanos(due - now);
            }
            if (now >= nextReport) {
                long s = sent.get();
                progress(out, (now - start) / 1_000_000_000L, s - lastSent);
                lastSent = s;
                nextReport += TimeUnit.SECONDS.toNanos(1);
            }
            if (!inFlight.tryAcquire()) {
                skipped.incrementAndGet();
                continue;
            }
            fire();
        }
        try {
            awaitAnswers();
        } finally {
            // Idle workers end, each closing its connection.
            workers.shutdown();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return summarize(out, seconds);
    }

    /** Waits (at most 30 s) for the answers to the requests still in flight. */
    private void awaitAnswers() throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (sent.get() > ok.get() + errorCount() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }

    private void fire() {
        Tracked target = ThreadLocalRandom.current().nextDouble() < statusShare ? changeable.poll() : null;
        String path;
        String body;
        String kind;
        if (target != null) {
            String next = nextStatus(target.status());
            path = "/api/orders/" + target.id() + "/status";
            body = "{\"status\":\"" + next + "\"}";
            kind = next;
        } else {
            path = "/api/orders";
            body = newOrder();
            kind = "create";
        }
        sent.incrementAndGet();
        workers.execute(() -> {
            long t0 = System.nanoTime();
            Response response;
            try {
                response = post(base.resolve(path), body);
            } catch (IOException e) {
                errors.computeIfAbsent(e.getClass().getSimpleName(), k -> new AtomicLong()).incrementAndGet();
                return;
            } finally {
                latenciesMicros.add((System.nanoTime() - t0) / 1000);
                inFlight.release();
            }
            int code = response.status();
            long micros = (System.nanoTime() - t0) / 1000;
            // Overload refusals say Retry-After: 1; a database outage's 503 says 5 and is an error like any other.
            if (code == 503 && "1".equals(response.retryAfter())) {
                refusedMicros.add(micros);
            }
            if (code == 201 || code == 200) {
                acceptedMicros.add(micros);
                ok.incrementAndGet();
                String status = kind.equals("create") ? "PENDING" : kind;
                if (kind.equals("create")) {
                    created.incrementAndGet();
                    Matcher m = ID.matcher(response.body());
                    if (m.find()) {
                        createdIds.add(m.group(1));
                        changeable.add(new Tracked(m.group(1), status));
                    }
                } else {
                    changed.incrementAndGet();
                    if (!nextStatuses(status).isEmpty()) {
                        changeable.add(new Tracked(target.id(), status));
                    }
                }
            } else {
                errors.computeIfAbsent("HTTP " + code, k -> new AtomicLong()).incrementAndGet();
            }
        });
    }

    /** A plausible order request body (what the benchmarks post too). */
    public static String newOrder() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long cents = 500 + (long) (Math.abs(r.nextGaussian()) * 6000) + r.nextInt(100);
        String amount = String.format(Locale.ROOT, "%d.%02d", cents / 100, cents % 100);
        String address = (1 + r.nextInt(9999)) + " " + STREETS[r.nextInt(STREETS.length)] + ", "
                + CITIES[r.nextInt(CITIES.length)];
        return "{\"userId\":\"user-" + (1 + r.nextInt(1000)) + "\",\"totalAmount\":" + amount
                + ",\"shippingAddress\":\"" + address + "\"}";
    }

    private static String nextStatus(String current) {
        List<String> next = nextStatuses(current);
        // Mostly forward, sometimes cancelled where the state machine allows it.
        if (next.size() > 1 && ThreadLocalRandom.current().nextDouble() < 0.1) {
            return next.get(1);
        }
        return next.get(0);
    }

    /** Forward first, then CANCELLED where allowed: the app's own state machine. */
    private static List<String> nextStatuses(String current) {
        return OrderStatus.valueOf(current).next().stream().map(Enum::name).toList();
    }

    private long errorCount() {
        return errors.values().stream().mapToLong(AtomicLong::get).sum();
    }

    private void progress(PrintStream out, long second, long sentThisSecond) {
        long[] snapshot = latenciesMicros.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(snapshot);
        out.printf(Locale.ROOT, "[%3ds] sent %d (%d/s)  ok %d  errors %d  skipped %d  p50 %.1f ms  p99 %.1f ms%n",
                second, sent.get(), sentThisSecond, ok.get(), errorCount(), skipped.get(),
                percentile(snapshot, 50) / 1000.0, percentile(snapshot, 99) / 1000.0);
    }

    private Map<String, Object> summarize(PrintStream out, double seconds) {
        long[] all = latenciesMicros.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(all);
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("targetRate", rate);
        s.put("durationSeconds", Math.round(seconds * 10) / 10.0);
        s.put("sent", sent.get());
        s.put("ok", ok.get());
        s.put("ordersCreated", created.get());
        s.put("statusChanges", changed.get());
        s.put("errors", errorCount());
        s.put("skipped", skipped.get());
        s.put("achievedRate", Math.round(ok.get() / seconds * 10) / 10.0);
        s.put("latencyMsP50", percentile(all, 50) / 1000.0);
        s.put("latencyMsP90", percentile(all, 90) / 1000.0);
        s.put("latencyMsP95", percentile(all, 95) / 1000.0);
        s.put("latencyMsP99", percentile(all, 99) / 1000.0);
        s.put("latencyMsMax", all.length == 0 ? 0 : all[all.length - 1] / 1000.0);
        long[] accepted = acceptedMicros.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] refused = refusedMicros.stream().mapToLong(Long::longValue).sorted().toArray();
        s.put("acceptedLatencyMsP99", percentile(accepted, 99) / 1000.0);
        s.put("refusedWithRetryAfter", refused.length);
        s.put("refusedLatencyMsP50", percentile(refused, 50) / 1000.0);
        s.put("refusedLatencyMsP99", percentile(refused, 99) / 1000.0);
        out.printf(Locale.ROOT, "%nDone: %d ok of %d sent in %.1f s = %.1f requests/s (target %d/s); "
                        + "%d orders created, %d status changes%n", ok.get(), sent.get(), seconds,
                ok.get() / seconds, rate, created.get(), changed.get());
        out.printf(Locale.ROOT, "Errors: %d %s; skipped (in-flight limit): %d%n", errorCount(), errors, skipped.get());
        out.printf(Locale.ROOT, "Latency: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                s.get("latencyMsP50"), s.get("latencyMsP90"), s.get("latencyMsP99"), s.get("latencyMsMax"));
        return s;
    }

    private static long percentile(long[] sorted, int p) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
