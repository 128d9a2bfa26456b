package io.orderpipeline.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The sink's duplicate lookup sends its event ids as external data: the server reads them as a table. */
class ClickHouseExternalDataIT {

    static final ClickHouseHttp admin = LocalStack.clickHouseAdminHttp();
    static final List<String> stored = new ArrayList<>();

    @BeforeAll
    static void aTableOfSomeIds() {
        admin.execute("DROP TABLE IF EXISTS default.it_lookup");
        admin.execute("CREATE TABLE default.it_lookup (id UUID, block String) ENGINE = Memory");
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            String id = UUID.randomUUID().toString();
            stored.add(id);
            rows.add("{\"id\":\"" + id + "\",\"block\":\"b" + (i % 7) + "\"}");
        }
        admin.insertJsonEachRow("default.it_lookup", rows);
    }

    @AfterAll
    static void dropIt() {
        admin.execute("DROP TABLE IF EXISTS default.it_lookup");
    }

    @Test
    void findsExactlyTheStoredIdsOfALargeSet() {
        List<String> asked = new ArrayList<>(stored.subList(0, 2500));
        for (int i = 0; i < 2500; i++) {
            asked.add(UUID.randomUUID().toString()); // never stored
        }
        String out = admin.queryWith("ids", "id", "UUID", asked,
                "SELECT toString(id), block FROM default.it_lookup WHERE id IN ids");
        Set<String> found = out.lines().map(l -> l.split("\t")[0]).collect(Collectors.toSet());
        assertThat(found).hasSize(2500).containsExactlyInAnyOrderElementsOf(stored.subList(0, 2500));
        assertThat(out.lines()).allSatisfy(l -> assertThat(l.split("\t")[1]).matches("b[0-6]"));
    }

    @Test
    void anEmptySetFindsNothing() {
        assertThat(admin.queryWith("ids", "id", "UUID", List.of(),
                "SELECT count() FROM default.it_lookup WHERE id IN ids").strip()).isEqualTo("0");
    }
}
