package io.orderpipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/** A body of many chunks reads back byte for byte, as text and as what the HTTP client is handed. */
class ChunkedBodyTest {

    @Test
    void aBodyOfManyChunksIsSentWhole() throws Exception {
        ChunkedBody body = new ChunkedBody(10);
        StringBuilder expected = new StringBuilder();
        byte[] row = "{\"user\":\"Zoë 東京\",\"n\":".getBytes(StandardCharsets.UTF_8);
        // Rows of odd sizes, so that rows, multi-byte characters and numbers fall across chunk ends.
        for (int i = 0; i < 20_000; i++) {
            body.bytes(row, 0, row.length - (i % 3)).number(i * 7919L).ascii("}").newline();
            expected.append(new String(row, 0, row.length - (i % 3), StandardCharsets.ISO_8859_1)).append(i * 7919L).append("}\n");
        }
        byte[] want = expected.toString().getBytes(StandardCharsets.ISO_8859_1);
        assertThat(body.size()).isEqualTo(want.length).isGreaterThan(4L * ChunkedBody.CHUNK);

        assertThat(body.text().getBytes(StandardCharsets.UTF_8)).isEqualTo(want);
        assertThat(sent(body)).isEqualTo(want);
    }

    @Test
    void aSmallBodyStaysSmall() throws Exception {
        ChunkedBody body = new ChunkedBody(0).ascii("SELECT 1");
        assertThat(body.text()).isEqualTo("SELECT 1");
        assertThat(sent(body)).isEqualTo("SELECT 1".getBytes(StandardCharsets.US_ASCII));
        assertThat(sent(new ChunkedBody(0))).as("an empty body is sent as none").isEmpty();
    }

    /** What the HTTP client reads from the body's publisher, checked against the length it announces. */
    private static byte[] sent(ChunkedBody body) throws Exception {
        var publisher = body.publisher();
        assertThat(publisher.contentLength()).isEqualTo(body.size());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CompletableFuture<byte[]> done = new CompletableFuture<>();
        publisher.subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription s) {
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer b) {
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                out.writeBytes(bytes);
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                done.complete(out.toByteArray());
            }
        });
        return done.get(10, TimeUnit.SECONDS);
    }
}
