package io.orderpipeline.platform;

import com.fasterxml.uuid.Generators;
import com.fasterxml.uuid.NoArgGenerator;

/**
 * Order and event ids as UUIDv7 (RFC 9562): the first 48 bits are the time in milliseconds, the
 * last 74 random (from a SecureRandom, as UUID.randomUUID's are). orders.id is InnoDB's clustered
 * key and outbox.event_id a unique index, both CHAR(36): a random UUIDv4 puts each new row on a
 * random page of them, so once a table outgrows the buffer pool every insert reads a page from disk
 * and splits pages all over the tree; a time-ordered id appends at the right edge, as an
 * auto-increment key does.
 */
public final class TimeOrderedIds {

    private static final NoArgGenerator V7 = Generators.timeBasedEpochRandomGenerator();

    private TimeOrderedIds() {
    }

    /** A new UUIDv7 in its 36-character text form. */
    public static String next() {
        return V7.generate().toString();
    }
}
