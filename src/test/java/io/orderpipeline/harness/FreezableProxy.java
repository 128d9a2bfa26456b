package io.orderpipeline.harness;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP pass-through on loopback in front of a real server, which a test can use to break the path
 * the way networks break:
 * <ul>
 * <li>{@link #freeze()}: connections stay open but no byte crosses in either direction, as when a
 * path dies without a reset (a half-open connection); neither end learns anything until its own
 * timeouts fire;
 * <li>{@link #deliverLate}: the next request that contains a marker reaches the server only after a
 * delay, whatever its client did meanwhile (gave up, retried), and its answer is lost: a request
 * that completes after its client stopped waiting.
 * </ul>
 */
public final class FreezableProxy implements AutoCloseable {

    private final ServerSocket listener;
    private final int targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicReference<Late> late = new AtomicReference<>();
    private volatile boolean frozen;
    private volatile boolean closed;

    private record Late(String marker, Duration delay) {
    }

    public FreezableProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "proxy-accept-" + port());
        accept.setDaemon(true);
        accept.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** From now on nothing passes, in either direction, on any connection; new ones hang too. */
    public void freeze() {
        frozen = true;
    }

    /** The next request whose first bytes contain the marker reaches the server after the delay; its answer is dropped. */
    public void deliverLate(String marker, Duration delay) {
        late.set(new Late(marker, delay));
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(client);
                sockets.add(server);
                pipe(client, server, true);
                pipe(server, client, false);
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void pipe(Socket from, Socket to, boolean request) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[65536];
            boolean handedOver = false;
            try (InputStream in = from.getInputStream()) {
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    while (frozen && !closed) {
                        Thread.sleep(50); // hold the bytes: a dead path, not a closed one
                    }
                    if (closed) {
                        return;
                    }
                    Late l = late.get();
                    if (request && l != null && new String(buffer, 0, n, StandardCharsets.ISO_8859_1).contains(l.marker())
                            && late.compareAndSet(l, null)) {
                        handedOver = true; // the server's end now belongs to the late request
                        sendLate(to, in, buffer, n, l.delay());
                        from.close(); // the client hears nothing back
                        return;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException | InterruptedException e) {
                // one side closed: close the other below
            } finally {
                if (!handedOver) {
                    closeQuietly(to);
                }
            }
        }, "proxy-pipe");
        t.setDaemon(true);
        t.start();
    }

    /** Reads the rest of the request while it comes, then, after the delay, hands it to the server and drops the answer. */
    private void sendLate(Socket server, InputStream client, byte[] first, int n, Duration delay) throws IOException {
        java.io.ByteArrayOutputStream request = new java.io.ByteArrayOutputStream();
        request.write(first, 0, n);
        Thread late = new Thread(() -> {
            try {
                Thread.sleep(delay.toMillis());
                OutputStream out = server.getOutputStream();
                synchronized (request) {
                    out.write(request.toByteArray());
                }
                out.flush();
                server.getInputStream().transferTo(OutputStream.nullOutputStream());
            } catch (IOException | InterruptedException ignored) {
                // the test is over
            } finally {
                closeQuietly(server);
            }
        }, "proxy-late");
        late.setDaemon(true);
        late.start();
        byte[] buffer = new byte[65536];
        try {
            int r;
            long until = System.nanoTime() + delay.toNanos();
            while (System.nanoTime() < until && (r = client.read(buffer)) >= 0) {
                synchronized (request) {
                    request.write(buffer, 0, r);
                }
            }
        } catch (IOException clientGaveUp) {
            // what arrived is what the server gets
        }
    }

    @Override
    public void close() {
        closed = true;
        closeQuietly(listener);
        sockets.forEach(FreezableProxy::closeQuietly);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }
}
