package io.orderpipeline.order;

import java.util.List;

/**
 * Hostile requests to POST /api/orders and the answer each must get (nothing written), plus legal
 * strings that look hostile and must be stored as sent. OrderApiIT runs them in `make test`;
 * `make chaos` sends them to the packaged app.
 */
public final class HostileInputs {

    public record Refusal(String name, String body, String contentType, int status, String field) {
    }

    private static final String JSON = "application/json";

    private HostileInputs() {
    }

    public static List<Refusal> refusals() {
        String ok = "{\"userId\":\"u1\",\"totalAmount\":10.50,\"shippingAddress\":\"1 Main St\"}";
        return List.of(
                new Refusal("malformed JSON", "{userId: u1}", JSON, 400, null),
                new Refusal("truncated JSON", ok.substring(0, 30), JSON, 400, null),
                new Refusal("empty body", "", JSON, 400, null),
                new Refusal("JSON null", "null", JSON, 400, null),
                new Refusal("array instead of object", "[" + ok + "]", JSON, 400, null),
                new Refusal("two objects", ok + ok, JSON, 400, null),
                new Refusal("amount as string", ok.replace("10.50", "\"10.50\""), JSON, 400, "totalAmount"),
                new Refusal("amount as boolean", ok.replace("10.50", "true"), JSON, 400, "totalAmount"),
                new Refusal("userId as number", ok.replace("\"u1\"", "42"), JSON, 400, "userId"),
                new Refusal("missing amount", "{\"userId\":\"u1\",\"shippingAddress\":\"1 Main St\"}", JSON, 400, "totalAmount"),
                new Refusal("zero amount", ok.replace("10.50", "0"), JSON, 400, "totalAmount"),
                new Refusal("negative amount", ok.replace("10.50", "-5.00"), JSON, 400, "totalAmount"),
                new Refusal("three decimals", ok.replace("10.50", "10.505"), JSON, 400, "totalAmount"),
                new Refusal("huge amount", ok.replace("10.50", "1e30"), JSON, 400, "totalAmount"),
                new Refusal("tiny amount", ok.replace("10.50", "1e-30"), JSON, 400, "totalAmount"),
                new Refusal("blank userId", ok.replace("\"u1\"", "\"  \""), JSON, 400, "userId"),
                new Refusal("overlong userId", ok.replace("u1", "u".repeat(65)), JSON, 400, "userId"),
                new Refusal("control character", ok.replace("u1", "u\\u0000x"), JSON, 400, "userId"),
                new Refusal("missing address", "{\"userId\":\"u1\",\"totalAmount\":1}", JSON, 400, "shippingAddress"),
                new Refusal("overlong address", ok.replace("1 Main St", "x".repeat(501)), JSON, 400, "shippingAddress"),
                new Refusal("unknown field", ok.replace("}", ",\"discount\":5}"), JSON, 400, "discount"),
                new Refusal("bad currency", ok.replace("}", ",\"currency\":\"usd\"}"), JSON, 400, "currency"),
                new Refusal("wrong content type", ok, "text/plain", 415, null),
                new Refusal("form content type", "userId=u1", "application/x-www-form-urlencoded", 415, null),
                new Refusal("body over the limit", ok.replace("1 Main St", "x".repeat(20_000)), JSON, 413, null),
                new Refusal("NaN amount", ok.replace("10.50", "NaN"), JSON, 400, null),
                new Refusal("Infinity amount", ok.replace("10.50", "Infinity"), JSON, 400, null),
                new Refusal("hex amount", ok.replace("10.50", "0x10"), JSON, 400, null),
                new Refusal("leading zeros", ok.replace("10.50", "010.50"), JSON, 400, null),
                new Refusal("three decimals as exponent", ok.replace("10.50", "1.005e0"), JSON, 400, "totalAmount"),
                new Refusal("amount over DECIMAL(12,2)", ok.replace("10.50", "10000000000.00"), JSON, 400, "totalAmount"),
                new Refusal("amount as array", ok.replace("10.50", "[10.50]"), JSON, 400, "totalAmount"),
                new Refusal("userId as object", ok.replace("\"u1\"", "{\"id\":1}"), JSON, 400, "userId"),
                new Refusal("userId null", ok.replace("\"u1\"", "null"), JSON, 400, "userId"),
                new Refusal("overlong Unicode userId", ok.replace("u1", "\uD83D\uDE00".repeat(40)), JSON, 400, "userId"),
                new Refusal("comment in JSON", ok.replace("{", "{/* hi */"), JSON, 400, null),
                new Refusal("trailing comma", ok.replace("}", ",}"), JSON, 400, null),
                new Refusal("single quotes", ok.replace("\"", "'"), JSON, 400, null),
                new Refusal("currency too long", ok.replace("}", ",\"currency\":\"USDX\"}"), JSON, 400, "currency"),
                new Refusal("status on create", ok.replace("}", ",\"status\":\"DELIVERED\"}"), JSON, 400, "status"),
                new Refusal("id on create", ok.replace("}", ",\"id\":\"x\"}"), JSON, 400, "id"),
                new Refusal("XML content type", "<order><userId>u1</userId></order>", "application/xml", 415, null));
    }

    /** Legal values that must come back byte for byte (and be shown as text on the page). */
    public static List<String> legalStrings() {
        return List.of("'; DROP TABLE orders; --", "\" OR 1=1 --", "<script>alert('x')</script>", "<img src=x onerror=alert(1)>",
                "Ünïcødé 住所 \uD83D\uDE9A", "\u202Eevil RTL override", "Robert'); DELETE FROM outbox;--");
    }
}
