package io.orderpipeline.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The load generator's HTTP/1.1 connection against the JDK's HTTP server and against raw sockets. */
class KeepAliveHttpTest {

    HttpServer server;
    final List<String> seen = new CopyOnWriteArrayList<>();
    /** Counted down once the raw server has closed a connection it gave no answer on. */
    final CountDownLatch unanswered = new CountDownLatch(1);

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    URI serve(int status, String answer, boolean chunked) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            seen.add(exchange.getRemoteAddress().getPort() + " " + exchange.getRequestMethod() + " "
                    + exchange.getRequestURI() + " " + exchange.getRequestHeaders().getFirst("Content-Type") + " "
                    + new String(body, StandardCharsets.UTF_8));
            exchange.getResponseHeaders().add("Retry-After", "1");
            byte[] out = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, chunked ? 0 : out.length);
            try (OutputStream o = exchange.getResponseBody()) {
                o.write(out);
            }
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    @Test
    void requestsShareOneConnectionAndAnswersAreReadWhole() throws IOException {
        URI base = serve(201, "{\"id\":\"é\"}", false);
        try (KeepAliveHttp http = new KeepAliveHttp(base)) {
            LoadGenerator.Response first = http.exchange("POST", base.resolve("/api/orders?x=1"),
                    "{\"a\":1}".getBytes(StandardCharsets.UTF_8), "application/json");
            LoadGenerator.Response second = http.exchange("POST", base.resolve("/api/orders"),
                    "{\"b\":2}".getBytes(StandardCharsets.UTF_8), "application/json");

            assertThat(first).isEqualTo(new LoadGenerator.Response(201, "{\"id\":\"é\"}", "1"));
            assertThat(second.status()).isEqualTo(201);
        }
        assertThat(seen).hasSize(2);
        assertThat(seen.get(0)).endsWith("POST /api/orders?x=1 application/json {\"a\":1}");
        String port = seen.get(0).split(" ")[0];
        assertThat(seen.get(1)).as("the same client port: one connection").startsWith(port + " ");
    }

    @Test
    void aChunkedAnswerIsReadToItsLastChunk() throws IOException {
        URI base = serve(503, "{\"title\":\"Service Unavailable\"}", true);
        try (KeepAliveHttp http = new KeepAliveHttp(base)) {
            LoadGenerator.Response r = http.exchange("POST", base.resolve("/api/orders"), new byte[0], "application/json");
            LoadGenerator.Response again = http.exchange("POST", base.resolve("/api/orders"), new byte[0], "application/json");

            assertThat(r).isEqualTo(new LoadGenerator.Response(503, "{\"title\":\"Service Unavailable\"}", "1"));
            assertThat(again.body()).isEqualTo(r.body());
        }
        assertThat(seen.get(1)).as("the same client port: one connection").startsWith(seen.get(0).split(" ")[0] + " ");
    }

    /** What the raw server does with one request: answer these bytes (null: nothing), then close or not. */
    record Answer(String bytes, boolean thenClose) {
    }

    static final String OK = "HTTP/1.1 201 \r\nContent-Length: 2\r\n\r\nok";

    static Answer keep(String bytes) {
        return new Answer(bytes, false);
    }

    static Answer close(String bytes) {
        return new Answer(bytes, true);
    }

    /**
     * A raw server giving the answers in order, one per request, across connections; after an
     * answer that closes (or none), it closes the connection without a word. Request bodies go to
     * {@link #seen}.
     */
    URI rawServer(ServerSocket listener, Answer... answers) {
        daemon(() -> {
            int next = 0;
            while (next < answers.length) {
                if (next > 0 && answers[next - 1].bytes() == null) {
                    unanswered.countDown();
                }
                try (Socket s = listener.accept()) {
                    InputStream in = s.getInputStream();
                    while (next < answers.length) {
                        String head = readHead(in);
                        int length = Integer.parseInt(head.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
                        seen.add(new String(in.readNBytes(length), StandardCharsets.UTF_8));
                        Answer answer = answers[next++];
                        if (answer.bytes() == null) {
                            Thread.sleep(500);
                            break;
                        }
                        s.getOutputStream().write(answer.bytes().getBytes(StandardCharsets.UTF_8));
                        s.getOutputStream().flush();
                        if (answer.thenClose()) {
                            break;
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    return;
                }
            }
        });
        return URI.create("http://127.0.0.1:" + listener.getLocalPort());
    }

    LoadGenerator.Response post(KeepAliveHttp http, URI base, int n) throws IOException {
        return http.exchange("POST", base.resolve("/api/orders"), ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8),
                "application/json");
    }

    @Test
    void aConnectionTheServerSaysItClosesIsReplaced() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            URI base = rawServer(listener, close("HTTP/1.1 201 \r\nConnection: close\r\nContent-Length: 2\r\n\r\nok"), keep(OK));
            try (KeepAliveHttp http = new KeepAliveHttp(base)) {
                assertThat(post(http, base, 0).body()).isEqualTo("ok");
                assertThat(post(http, base, 1).body()).isEqualTo("ok");
            }
            assertThat(seen).containsExactly("{\"n\":0}", "{\"n\":1}");
        }
    }

    /** An interim 100 Continue is passed over; the answer after it is the request's. */
    @Test
    void anInterimAnswerIsPassedOver() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            URI base = rawServer(listener, keep("HTTP/1.1 100 \r\n\r\n" + OK), keep("HTTP/1.1 204 \r\n\r\n"), keep(OK));
            try (KeepAliveHttp http = new KeepAliveHttp(base)) {
                assertThat(post(http, base, 0)).isEqualTo(new LoadGenerator.Response(201, "ok", null));
                assertThat(post(http, base, 1)).as("no body after a 204").isEqualTo(new LoadGenerator.Response(204, "", null));
                assertThat(post(http, base, 2).body()).isEqualTo("ok");
            }
        }
    }

    /**
     * A connection the server closed without a word: within the idle limit the next request fails,
     * and is not sent again (the server may have taken it); past the limit it is replaced first.
     */
    @Test
    void aSilentlyClosedConnectionFailsOneRequestUnlessItSatIdlePastTheLimit() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            URI base = rawServer(listener, close(OK), close(OK), keep(OK));
            try (KeepAliveHttp http = new KeepAliveHttp(base, Duration.ofMillis(300), Duration.ofSeconds(5))) {
                assertThat(post(http, base, 0).body()).isEqualTo("ok");
                Thread.sleep(100);
                assertThatThrownBy(() -> post(http, base, 1)).as("closed within the limit").isInstanceOf(IOException.class);
                assertThat(post(http, base, 2).body()).as("after a failure, on a new connection").isEqualTo("ok");
                Thread.sleep(500);
                assertThat(post(http, base, 3).body()).as("idle past the limit: replaced before use").isEqualTo("ok");
            }
            assertThat(seen).as("each request at most once").containsExactly("{\"n\":0}", "{\"n\":2}", "{\"n\":3}");
        }
    }

    @Test
    void aRequestTheServerTookButNeverAnsweredIsAnErrorAndNotSentAgain() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            URI base = rawServer(listener, keep(OK), keep(null), keep(OK));
            try (KeepAliveHttp http = new KeepAliveHttp(base, Duration.ofSeconds(4), Duration.ofMillis(200))) {
                assertThat(post(http, base, 0).body()).isEqualTo("ok");

                assertThatThrownBy(() -> post(http, base, 1)).isInstanceOf(SocketTimeoutException.class);
                assertThat(unanswered.await(5, TimeUnit.SECONDS)).as("the server let the request go").isTrue();

                assertThat(post(http, base, 2).body()).as("on a new connection").isEqualTo("ok");
            }
            assertThat(seen).as("each request once").containsExactly("{\"n\":0}", "{\"n\":1}", "{\"n\":2}");
        }
    }

    @Test
    void anAnswerCutShortIsAnErrorAndNotSentAgain() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            URI base = rawServer(listener, keep(OK), close("HTTP/1.1 201 \r\nContent-Length: 20\r\n\r\n{\"id\":"));
            try (KeepAliveHttp http = new KeepAliveHttp(base)) {
                assertThat(post(http, base, 0).body()).isEqualTo("ok");

                assertThatThrownBy(() -> post(http, base, 1)).isInstanceOf(IOException.class)
                        .hasMessageContaining("within an answer's body (6 of 20 bytes)");
            }
            assertThat(seen).containsExactly("{\"n\":0}", "{\"n\":1}");
        }
    }

    static Thread daemon(Runnable server) {
        Thread t = new Thread(server, "test-server");
        t.setDaemon(true);
        t.start();
        return t;
    }

    static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b == -1) {
                throw new IOException("closed");
            }
            head.append((char) b);
        }
        return head.toString();
    }
}
