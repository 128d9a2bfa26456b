package io.orderpipeline.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;


import org.springframework.stereotype.Component;

/**
 * ClickHouse's HTTP interface, for the sink and the schema: JSONEachRow inserts (the fastest way in, and the same
 * on 18.16 and current servers) and small queries. Written on java.net.http because the JDBC
 * drivers either fail on 18.16 or cannot stream JSONEachRow with per-insert settings.
 */
@Component
public class ClickHouseHttp {

    /** Error codes that mean "this data can never be stored": parse and type errors. */
    private static final Set<Integer> CONTENT_ERRORS = Set.of(6, 26, 27, 32, 38, 41, 53, 69, 70, 72, 117, 130,
            131, 190, 376, 407, 691);
    private static final Pattern CODE = Pattern.compile("Code: (\\d+)");

    static {
        // The JDK keeps an idle connection for 20 minutes; ClickHouse closes one after 3 s
        // (keep_alive_timeout), and a request sent on such a connection fails. Idle ones go first.
        if (System.getProperty("jdk.httpclient.keepalive.timeout") == null) {
            System.setProperty("jdk.httpclient.keepalive.timeout", "2");
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI base;
    private final String authorization;
    private final Duration insertTimeout;

    public ClickHouseHttp(ClickHouseProperties props) {
        this.insertTimeout = props.insertTimeout();
        this.base = URI.create(props.httpUrl().endsWith("/") ? props.httpUrl() : props.httpUrl() + "/");
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
                (props.username() + ":" + (props.password() == null ? "" : props.password())).getBytes(StandardCharsets.UTF_8));
    }

    /** Inserts rows (one JSON object each) in one request, hence one block: all or nothing. */
    public void insertJsonEachRow(String table, List<String> rows) {
        insertJsonEachRow(table, rows, Map.of());
    }

    /**
     * The same, with settings of this insert (e.g. insert_deduplication_token, query_id). The
     * format settings are the Kafka Connect sink's, so both accept the same records.
     */
    public void insertJsonEachRow(String table, List<String> rows, Map<String, String> settings) {
        ChunkedBody body = new ChunkedBody(rows.size() * 256);
        rows.forEach(row -> body.text(row).newline());
        insertJsonEachRow(table, body, settings);
    }

    /** The same, with the rows as bytes (the sink's, each record's UTF-8 as it came). */
    public void insertJsonEachRow(String table, ChunkedBody rows, Map<String, String> settings) {
        StringBuilder params = new StringBuilder("?input_format_skip_unknown_fields=1&date_time_input_format=best_effort");
        settings.forEach((k, v) -> params.append('&').append(k).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        params.append("&query=").append(URLEncoder.encode("INSERT INTO " + table + " FORMAT JSONEachRow", StandardCharsets.UTF_8));
        send(params.toString(), rows.publisher(), insertTimeout, "text/plain; charset=UTF-8");
    }

    /** The server's version, e.g. [18, 16, 1] or [25, 8, 3]. */
    public int[] version() {
        return parseVersion(query("SELECT version()"));
    }

    /** "25.8.3.1" as [25, 8, 3]. */
    public static int[] parseVersion(String version) {
        return java.util.Arrays.stream(version.strip().split("\\.")).limit(3).mapToInt(Integer::parseInt).toArray();
    }

    /** True when the server is at least major.minor. */
    public static boolean atLeast(int[] version, int major, int minor) {
        return version[0] > major || (version[0] == major && version[1] >= minor);
    }

    /** Runs a statement that returns nothing (DDL). */
    public void execute(String sql) {
        send("", sql, Duration.ofSeconds(30));
    }

    /** Runs a query and returns its TabSeparated output. */
    public String query(String sql) {
        return send("", sql + " FORMAT TabSeparated", Duration.ofSeconds(30));
    }

    /**
     * Runs a query that reads a table sent with it (ClickHouse's "external data"): one column
     * {@code name} of {@code type}, one value per line, e.g. {@code ... WHERE id IN name}. The values
     * travel as TSV and are never parsed as SQL, so a set of thousands is cheap (5,000 UUIDs: about a
     * fifth of the time of the same set as literals) and needs no max_query_size. The values must be
     * plain TSV (no tab, newline or backslash). Multipart by hand: java.net.http has no form encoder.
     */
    public String queryWith(String name, String column, String type, List<String> values, String sql) {
        String boundary = "----orderpipeline" + Long.toHexString(System.nanoTime());
        ChunkedBody body = new ChunkedBody(values.size() * 40 + 200).ascii("--" + boundary)
                .ascii("\r\nContent-Disposition: form-data; name=\"" + name + "\"; filename=\"" + name)
                .ascii("\"\r\nContent-Type: text/tab-separated-values\r\n\r\n");
        values.forEach(v -> body.text(v).newline());
        body.ascii("\r\n--" + boundary + "--\r\n");
        String params = "?" + name + "_structure=" + URLEncoder.encode(column + " " + type, StandardCharsets.UTF_8)
                + "&query=" + URLEncoder.encode(sql + " FORMAT TabSeparated", StandardCharsets.UTF_8);
        return send(params, body.publisher(), Duration.ofSeconds(30), "multipart/form-data; boundary=" + boundary);
    }

    private String send(String params, String body, Duration timeout) {
        return send(params, body, timeout, "text/plain; charset=UTF-8");
    }

    private String send(String params, String body, Duration timeout, String contentType) {
        return send(params, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8), timeout, contentType);
    }

    private String send(String params, HttpRequest.BodyPublisher body, Duration timeout, String contentType) {
        HttpRequest request = HttpRequest.newBuilder(base.resolve(params)).timeout(timeout)
                .header("Authorization", authorization).header("Content-Type", contentType)
                .POST(body).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("ClickHouse at " + base + " not reachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while talking to ClickHouse", e);
        }
        if (response.statusCode() == 200) {
            return response.body();
        }
        Matcher m = CODE.matcher(response.body());
        int code = m.find() ? Integer.parseInt(m.group(1)) : -1;
        String message = response.body().lines().findFirst().orElse("HTTP " + response.statusCode());
        throw new ClickHouseRefusedException(code, CONTENT_ERRORS.contains(code),
                message.length() > 1000 ? message.substring(0, 1000) : message);
    }
}
