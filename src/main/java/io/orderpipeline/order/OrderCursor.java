package io.orderpipeline.order;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/** Where a page of order history ends: the page token is this, base64url-encoded. */
public record OrderCursor(Instant createdAt, String id) {

    public String token() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((createdAt + "|" + id).getBytes(StandardCharsets.UTF_8));
    }

    /** @throws IllegalArgumentException when the token was not made by {@link #token()} */
    public static OrderCursor parse(String token) {
        String raw = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
        int bar = raw.indexOf('|');
        if (bar < 0) {
            throw new IllegalArgumentException("malformed page token");
        }
        return new OrderCursor(Instant.parse(raw.substring(0, bar)), raw.substring(bar + 1));
    }
}
