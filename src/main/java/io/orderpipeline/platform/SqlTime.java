package io.orderpipeline.platform;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * UTC instants as DATETIME(6) parameters. They are sent as text: mysql-connector-j takes MariaDB
 * (which announces itself as "5.5.5-10.x") for a MySQL without fractional seconds and would drop
 * the microseconds of a temporal parameter.
 */
public final class SqlTime {

    private static final DateTimeFormatter DATETIME6 = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");

    private SqlTime() {
    }

    public static String param(Instant instant) {
        return DATETIME6.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
    }

    public static Instant read(LocalDateTime utc) {
        return utc.toInstant(ZoneOffset.UTC);
    }
}
