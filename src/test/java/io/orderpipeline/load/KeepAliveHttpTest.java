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
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The load generator's HTTP/1.1 connection against the JDK's HTTP server and against raw sockets. */
class KeepAliveHttpTest {

    HttpServer server;
    final List<String> seen = new CopyOnWriteArrayList<>();

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
    }

    /**
     * A server that answers one request per connection and then closes it without saying so: the
     * next request finds the idle connection closed, and is sent again on a new one, once.
     */
    @Test
    void aConnectionTheServerClosedWhileIdleIsReplacedAndTheRequestSentOnce() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = daemon(() -> {
                while (!listener.isClosed()) {
                    try (Socket s = listener.accept()) {
                        InputStream in = s.getInputStream();
                        String head = readHead(in);
                        int length = Integer.parseInt(head.replaceAll("(?s).*Content-Length: (\\d+).*", "$1"));
                        seen.add(new String(in.readNBytes(length), StandardCharsets.UTF_8));
                        s.getOutputStream().write("HTTP/1.1 201 \r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
                        s.getOutputStream().flush();
                        s.shutdownOutput();
                        Thread.sleep(50);
                    } catch (IOException | InterruptedException e) {
                        return;
                    }
                }
            });
            URI base = URI.create("http://127.0.0.1:" + listener.getLocalPort());
            try (KeepAliveHttp http = new KeepAliveHttp(base)) {
                for (int i = 0; i < 3; i++) {
                    LoadGenerator.Response r = http.exchange("POST", base.resolve("/api/orders"),
                            ("{\"n\":" + i + "}").getBytes(StandardCharsets.UTF_8), "application/json");
                    assertThat(r.status()).isEqualTo(201);
                    assertThat(r.body()).isEqualTo("ok");
                    Thread.sleep(100);
                }
            }
            assertThat(seen).as("each request once, on a new connection each time").containsExactly("{\"n\":0}", "{\"n\":1}", "{\"n\":2}");
            listener.close();
            acceptor.join(5000);
        }
    }

    @Test
    void anAnswerCutShortIsAnError() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            daemon(() -> {
                try (Socket s = listener.accept()) {
                    readHead(s.getInputStream());
                    s.getOutputStream().write("HTTP/1.1 201 \r\nContent-Len".getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    // the test fails on its own assertion
                }
            });
            URI base = URI.create("http://127.0.0.1:" + listener.getLocalPort());
            try (KeepAliveHttp http = new KeepAliveHttp(base)) {
                assertThatThrownBy(() -> http.exchange("POST", base.resolve("/"), new byte[0], "application/json"))
                        .isInstanceOf(IOException.class).hasMessageContaining("within an answer");
            }
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
