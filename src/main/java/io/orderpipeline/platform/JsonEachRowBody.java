package io.orderpipeline.platform;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The body of a JSONEachRow insert, built as bytes: a record's UTF-8 goes in as Kafka delivered it,
 * with no String decoded, joined and encoded again on the way (the sink's profile had a fifth of its
 * consumer thread there). Not a ByteArrayOutputStream: its writes are synchronized, a lock taken
 * several times per row.
 */
public final class JsonEachRowBody {

    private byte[] bytes;
    private int size;

    public JsonEachRowBody(int capacity) {
        bytes = new byte[Math.max(16, capacity)];
    }

    public JsonEachRowBody bytes(byte[] b, int from, int length) {
        room(length);
        System.arraycopy(b, from, bytes, size, length);
        size += length;
        return this;
    }

    public JsonEachRowBody bytes(byte[] b) {
        return bytes(b, 0, b.length);
    }

    /** Text known to be ASCII (names, tokens, numbers): one byte per char. */
    public JsonEachRowBody ascii(String s) {
        room(s.length());
        for (int i = 0; i < s.length(); i++) {
            bytes[size++] = (byte) s.charAt(i);
        }
        return this;
    }

    public JsonEachRowBody number(long n) {
        return ascii(Long.toString(n));
    }

    public JsonEachRowBody newline() {
        room(1);
        bytes[size++] = '\n';
        return this;
    }

    public int size() {
        return size;
    }

    byte[] array() {
        return bytes;
    }

    /** The body as text (tests, and a refused row's dead letter). */
    public String text() {
        return new String(bytes, 0, size, StandardCharsets.UTF_8);
    }

    private void room(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
