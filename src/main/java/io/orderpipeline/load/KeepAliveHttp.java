package io.orderpipeline.load;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * One HTTP/1.1 keep-alive connection, for the load generator's requests: the request written in one
 * buffer, the status line, two headers and the body read back. Written by hand because the load
 * generator shares the two cores with the pipeline it measures: at 1,000 requests/s on
 * HttpURLConnection (its URL handling, header maps and keep-alive cache per request) the bench's
 * own process took about half a core, and java.net.http.HttpClient more (make bench). Not a
 * general client: no TLS, redirects, proxies or 100-continue; the bodies are small JSON.
 *
 * <p>A request is never sent twice: a failed one is an error for the caller to count (a retry
 * could store an order twice, the first never acknowledged). So that an idle connection the
 * server has since closed is not what fails, one idle for {@link #IDLE_LIMIT} is replaced before
 * use, as HttpURLConnection's keep-alive cache does (5 s); Tomcat keeps idle connections for
 * longer, and says "Connection: close" when it closes one itself.
 */
final class KeepAliveHttp implements AutoCloseable {

    static final Duration IDLE_LIMIT = Duration.ofSeconds(4);

    private final String host;
    private final int port;
    private final String hostHeader;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private final byte[] line = new byte[8192];
    private final long idleLimitNanos;
    private final int readTimeoutMillis;
    private long lastUsed;

    KeepAliveHttp(URI base) {
        this(base, IDLE_LIMIT, Duration.ofSeconds(10));
    }

    KeepAliveHttp(URI base, Duration idleLimit, Duration readTimeout) {
        this.host = base.getHost();
        this.port = base.getPort() == -1 ? 80 : base.getPort();
        this.hostHeader = host + ":" + port;
        this.idleLimitNanos = idleLimit.toNanos();
        this.readTimeoutMillis = (int) readTimeout.toMillis();
    }

    boolean serves(URI uri) {
        return host.equals(uri.getHost()) && port == (uri.getPort() == -1 ? 80 : uri.getPort());
    }

    /**
     * Sends a request and reads its answer, on this connection or, when it has none or sat idle for
     * too long, a new one. Any failure closes the connection and is thrown: a malformed answer as an
     * IOException too, so that the caller counts it and the next request starts clean.
     */
    LoadGenerator.Response exchange(String method, URI uri, byte[] body, String contentType) throws IOException {
        if (socket != null && System.nanoTime() - lastUsed > idleLimitNanos) {
            close();
        }
        if (socket == null) {
            connect();
        }
        try {
            out.write(request(method, uri, body, contentType));
            out.flush();
            LoadGenerator.Response response = read(method);
            lastUsed = System.nanoTime();
            return response;
        } catch (IOException e) {
            close();
            throw e;
        } catch (RuntimeException e) {
            close();
            throw new IOException("malformed answer: " + e, e);
        }
    }

    private void connect() throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), 5000);
            s.setSoTimeout(readTimeoutMillis);
            in = new BufferedInputStream(s.getInputStream(), 8192);
            out = new BufferedOutputStream(s.getOutputStream(), 8192);
            socket = s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    private byte[] request(String method, URI uri, byte[] body, String contentType) {
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        StringBuilder head = new StringBuilder(160).append(method).append(' ').append(target)
                .append(" HTTP/1.1\r\nHost: ").append(hostHeader).append("\r\nAccept: application/json\r\n");
        if (body != null) {
            head.append("Content-Type: ").append(contentType).append("\r\nContent-Length: ").append(body.length).append("\r\n");
        }
        byte[] h = head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        if (body == null) {
            return h;
        }
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }

    private LoadGenerator.Response read(String method) throws IOException {
        String statusLine;
        int status;
        do {
            statusLine = readLine(true);
            // "HTTP/1.1 201 " or "HTTP/1.1 503 Service Unavailable"
            if (statusLine.length() < 12 || !statusLine.startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP status line: " + statusLine);
            }
            status = Integer.parseInt(statusLine.substring(9, 12));
            if (status < 200) {
                // An interim answer (100 Continue, 103 Early Hints): its headers, then the real one.
                while (!readLine(false).isEmpty()) {
                    // skipped
                }
            }
        } while (status < 200);
        long length = -1;
        boolean chunked = false;
        boolean close = statusLine.startsWith("HTTP/1.0");
        String retryAfter = null;
        for (String header; !(header = readLine(false)).isEmpty(); ) {
            int colon = header.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = header.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection" -> close = value.toLowerCase(Locale.ROOT).contains("close");
                case "retry-after" -> retryAfter = value;
                default -> { }
            }
        }
        String body;
        if (method.equals("HEAD") || status == 204 || status == 304) {
            body = "";
        } else if (chunked) {
            body = readChunked();
        } else if (length >= 0) {
            body = new String(readExactly(Math.toIntExact(length)), StandardCharsets.UTF_8);
        } else {
            // No length: the body runs to the end of the connection.
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            close = true;
        }
        if (close) {
            close();
        }
        return new LoadGenerator.Response(status, body, retryAfter);
    }

    private String readChunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String size = readLine(false);
            int semicolon = size.indexOf(';');
            int n = Integer.parseInt((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
            if (n == 0) {
                while (!readLine(false).isEmpty()) {
                    // trailers
                }
                return body.toString(StandardCharsets.UTF_8);
            }
            body.write(readExactly(n));
            readLine(false);
        }
    }

    private byte[] readExactly(int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length < n) {
            throw new EOFException("connection closed within an answer's body (" + bytes.length + " of " + n + " bytes)");
        }
        return bytes;
    }

    /** A line without its CRLF. */
    private String readLine(boolean first) throws IOException {
        int n = 0;
        while (true) {
            int b = in.read();
            if (b == -1) {
                throw new EOFException(first && n == 0 ? "connection closed before an answer"
                        : "connection closed within an answer");
            }
            if (b == '\n') {
                int end = n > 0 && line[n - 1] == '\r' ? n - 1 : n;
                return new String(line, 0, end, StandardCharsets.ISO_8859_1);
            }
            if (n == line.length) {
                throw new IOException("header line longer than " + line.length + " bytes");
            }
            line[n++] = (byte) b;
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing a connection that is being given up
            }
            socket = null;
            in = null;
            out = null;
        }
    }
}
