package io.orderpipeline.platform;

import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A request body to ClickHouse built as bytes, in chunks: the sink's rows (a record's UTF-8 goes in
 * as Kafka delivered it, with no String decoded, joined and encoded again on the way: a fifth of
 * the sink's consumer thread) and the ids of its lookups. One array of a batch's megabytes would be
 * a humongous object to G1, each starting a concurrent cycle (the sink's GC log had one per
 * insert); 64 KB chunks are ordinary young objects. Not a ByteArrayOutputStream: its writes are
 * synchronized, a lock taken several times per row.
 */
public final class ChunkedBody {

    /** Well below G1's humongous size (half a region; regions are 1 MB and up). */
    static final int CHUNK = 64 * 1024;

    private final List<byte[]> full = new ArrayList<>();
    private byte[] chunk;
    private int at;

    /** @param expected the size it will likely reach: a small body starts small */
    public ChunkedBody(int expected) {
        chunk = new byte[Math.min(CHUNK, Math.max(256, expected))];
    }

    public ChunkedBody bytes(byte[] b, int from, int length) {
        while (length > 0) {
            room();
            int n = Math.min(length, chunk.length - at);
            System.arraycopy(b, from, chunk, at, n);
            at += n;
            from += n;
            length -= n;
        }
        return this;
    }

    /** Text known to be ASCII (names, tokens, numbers, UUIDs): one byte per char. */
    public ChunkedBody ascii(String s) {
        for (int i = 0; i < s.length(); i++) {
            room();
            chunk[at++] = (byte) s.charAt(i);
        }
        return this;
    }

    /** Text as UTF-8; ASCII (ids, mostly) without an array of its own. */
    public ChunkedBody text(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                return bytes(utf8, 0, utf8.length);
            }
        }
        return ascii(s);
    }

    public ChunkedBody number(long n) {
        return ascii(Long.toString(n));
    }

    public ChunkedBody newline() {
        room();
        chunk[at++] = '\n';
        return this;
    }

    public long size() {
        return (long) full.size() * CHUNK + at;
    }

    /** The body to send, as it stands (the chunks are not copied; this body is not written to after). */
    HttpRequest.BodyPublisher publisher() {
        if (size() == 0) {
            return HttpRequest.BodyPublishers.noBody(); // fromPublisher takes no length of 0
        }
        List<byte[]> parts = new ArrayList<>(full);
        parts.add(Arrays.copyOf(chunk, at));
        return HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofByteArrays(parts), size());
    }

    /** The body as text (tests, and a refused row's dead letter). */
    public String text() {
        byte[] all = new byte[Math.toIntExact(size())];
        int i = 0;
        for (byte[] c : full) {
            System.arraycopy(c, 0, all, i, c.length);
            i += c.length;
        }
        System.arraycopy(chunk, 0, all, i, at);
        return new String(all, StandardCharsets.UTF_8);
    }

    /** Room for a byte at least: a small first chunk grows to a full one, a full one is put by. */
    private void room() {
        if (at < chunk.length) {
            return;
        }
        if (chunk.length < CHUNK) {
            chunk = Arrays.copyOf(chunk, Math.min(CHUNK, chunk.length * 2));
        } else {
            full.add(chunk);
            chunk = new byte[CHUNK];
            at = 0;
        }
    }
}
