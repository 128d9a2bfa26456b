package io.orderpipeline.platform;

/**
 * ClickHouse answered with an error. {@link #isContent()} tells a refusal of the data itself (a
 * value it cannot parse or store: retrying the same rows can never succeed) from everything else
 * (server down, overloaded, schema missing: retrying later can).
 */
public class ClickHouseRefusedException extends RuntimeException {

    private final int code;
    private final boolean content;

    public ClickHouseRefusedException(int code, boolean content, String message) {
        super(message);
        this.code = code;
        this.content = content;
    }

    public int code() {
        return code;
    }

    public boolean isContent() {
        return content;
    }
}
