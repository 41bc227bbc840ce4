package dev.billing.testkit.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@link PersonalDataScan} on a real database: every table and text-like column found from the catalog. */
class PersonalDataScanIT {
    private static TestDatabase db;

    @BeforeAll
    static void schema() throws SQLException {
        db = PostgresFixture.shared().newDatabase("scan");
        try (Connection c = db.dataSource().getConnection();
                Statement s = c.createStatement()) {
            s.execute("""
                    CREATE SCHEMA shop;
                    CREATE TABLE shop.people (id bigint PRIMARY KEY, email varchar(200), note text, score int);
                    CREATE TABLE shop.events (tenant text, at timestamptz, payload jsonb, tags text[],
                                              PRIMARY KEY (tenant, at));
                    CREATE TABLE shop.loose (line char(40), doc json);
                    CREATE TABLE shop.billing_schema_history (script text, who text);
                    CREATE TABLE shop.cache (customer text);
                    CREATE TABLE public.elsewhere (email text);
                    INSERT INTO shop.people VALUES (1, 'Ada@Example.com', null, 3), (2, 'bob@example.com', 'n/a', 4),
                                                   (3, null, 'a 100%_match', 5);
                    INSERT INTO shop.events VALUES ('t1', '2026-01-02 03:04:05.123456+00',
                                                    '{"customer_details": {"email": "ada@example.com"}}', null),
                                                   ('t2', '2026-01-02 00:00:00+00', '{}', ARRAY['x', 'user_ada']);
                    INSERT INTO shop.loose VALUES ('user_ada', null), (null, '{"a": 1}');
                    INSERT INTO shop.billing_schema_history VALUES ('V1__ada@example.com', 'user_ada');
                    INSERT INTO shop.cache VALUES ('user_ada');
                    INSERT INTO public.elsewhere VALUES ('ada@example.com');
                    """);
        }
    }

    @AfterAll
    static void drop() {
        db.close();
    }

    @Test
    void findsEveryRowHoldingANeedleInAnyTextOrJsonColumnIgnoringCase() {
        PersonalDataScan scan = PersonalDataScan.of(db.dataSource(), "shop");

        assertThat(scan.find("ada@example.com", "USER_ADA"))
                .extracting(Object::toString)
                .containsExactlyInAnyOrder(
                        "cache.customer {ctid=(0,1)} holds \"user_ada\"",
                        "events.payload {tenant=t1, at=2026-01-02T03:04:05.123456Z} holds \"ada@example.com\"",
                        "events.tags {tenant=t2, at=2026-01-02T00:00:00Z} holds \"user_ada\"",
                        "loose.line {ctid=(0,1)} holds \"user_ada\"",
                        "people.email {id=1} holds \"ada@example.com\"");
        assertThat(scan.find("%_")).extracting(PersonalDataScan.Finding::key).containsExactly(Map.of("id", "3"));
        assertThat(scan.find("", null)).isEmpty();
        assertThat(scan.exemptions()).containsOnlyKeys("billing_schema_history");
    }

    @Test
    void anExemptedTableIsLeftOutAndAFindingKnowsWhetherADocumentShowsItsRow() {
        PersonalDataScan scan =
                PersonalDataScan.of(db.dataSource(), "shop").exempting("cache", "a short-lived cache of ids");

        assertThat(scan.find("user_ada"))
                .extracting(PersonalDataScan.Finding::table)
                .containsExactlyInAnyOrder("events", "loose");
        PersonalDataScan.Finding event = scan.find("ada@example.com").stream()
                .filter(f -> f.table().equals("events"))
                .findFirst()
                .orElseThrow();
        assertThat(event.representedIn("{\"tenant\":\"t1\",\"events\":[{\"at\":\"2026-01-02T03:04:05.123456Z\"}]}"))
                .as("a key value of an enclosing object counts")
                .isTrue();
        assertThat(event.representedIn("{\"tenant\":\"t1\",\"other\":\"2026-01-02T03:04:05.123456Z\"}"))
                .as("a value in a field not named like its column does not")
                .isFalse();
        assertThat(event.representedIn(
                        "{\"events\":[{\"at\":\"2026-01-02T03:04:05.123456Z\"}]," + "\"x\":{\"tenant\":\"t1\"}}"))
                .as("nor one in an unrelated object")
                .isFalse();
        PersonalDataScan.Finding person = scan.find("ada@example.com").stream()
                .filter(f -> f.table().equals("people"))
                .findFirst()
                .orElseThrow();
        assertThat(person.representedIn("{\"attempts\":1,\"people\":[{\"personId\":1}]}"))
                .isTrue();
        assertThat(person.representedIn("{\"attempts\":1,\"score\":1}")).isFalse();
        assertThatThrownBy(() -> scan.exempting("people", " ")).isInstanceOf(IllegalArgumentException.class);
    }
}
