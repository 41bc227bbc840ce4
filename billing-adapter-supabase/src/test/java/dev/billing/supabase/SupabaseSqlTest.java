package dev.billing.supabase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.usage.MeterReport;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The shipped SQL: complete, ordered, and written to be applied again and again. */
class SupabaseSqlTest {

    @Test
    void scriptsAreEveryShippedFileInNumberOrder() throws IOException, URISyntaxException {
        Path folder =
                Path.of(SupabaseSql.class.getResource("/supabase/migrations/").toURI());
        List<String> files;
        try (Stream<Path> listing = Files.list(folder)) {
            files = listing.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".sql"))
                    .sorted()
                    .toList();
        }

        assertThat(SupabaseSql.scripts()).extracting(SupabaseSql.Script::name).containsExactlyElementsOf(files);
        assertThat(files).allMatch(name -> name.matches("\\d{3}_[a-z_]+\\.sql"));
        assertThat(SupabaseSql.scripts()).allSatisfy(s -> assertThat(s.sql()).isNotBlank());
    }

    @Test
    void allIsOneTransactionOfEveryScriptInOrder() {
        String all = SupabaseSql.all();

        assertThat(all).contains("BEGIN;").endsWith("COMMIT;\n");
        int previous = -1;
        for (SupabaseSql.Script script : SupabaseSql.scripts()) {
            int at = all.indexOf(script.sql());
            assertThat(at).as(script.name()).isGreaterThan(previous);
            previous = at;
        }
    }

    @Test
    void everyStatementIsIdempotent() {
        for (SupabaseSql.Script script : SupabaseSql.scripts()) {
            String sql = script.sql();
            assertThat(count(sql, "CREATE TABLE "))
                    .as(script.name())
                    .isEqualTo(count(sql, "CREATE TABLE IF NOT EXISTS "));
            assertThat(count(sql, "ADD COLUMN ")).as(script.name()).isEqualTo(count(sql, "ADD COLUMN IF NOT EXISTS "));
            assertThat(count(sql, "CREATE FUNCTION")).as(script.name()).isZero();
            assertThat(count(sql, "CREATE INDEX "))
                    .as(script.name())
                    .isEqualTo(count(sql, "CREATE INDEX IF NOT EXISTS "));
            // Unique indexes and constraints are created only inside DO blocks that look for them first.
            String outsideDoBlocks = sql.replaceAll("(?s)DO \\$\\$.*?\\$\\$;", "");
            assertThat(outsideDoBlocks)
                    .as(script.name())
                    .doesNotContain("CREATE UNIQUE INDEX")
                    .doesNotContain("ADD CONSTRAINT");
        }
    }

    @Test
    void everyFunctionRunsAsItsCallerAndOnlyServiceRoleMayCallIt() {
        String all = SupabaseSql.all();
        Matcher function =
                Pattern.compile("CREATE OR REPLACE FUNCTION public\\.(\\w+)\\(").matcher(all);
        Set<String> functions = new HashSet<>();
        while (function.find()) {
            String body = all.substring(function.end(), all.indexOf("$$;", function.end()));
            assertThat(body).as(function.group(1)).contains("SECURITY INVOKER").contains("SET search_path = ''");
            if (!functions.add(function.group(1))) {
                continue; // redefined by a later script (CREATE OR REPLACE keeps its grants)
            }
            // Named once in the REVOKE from PUBLIC, anon, authenticated and once in the GRANT to service_role, after
            // its first definition (in 005_security.sql, or in the later script that defines it).
            String after = all.substring(function.end());
            assertThat(count(after, "public." + function.group(1) + ",")
                            + count(after, "public." + function.group(1) + "\n"))
                    .as(function.group(1))
                    .isEqualTo(2);
        }
        assertThat(functions).hasSize(65);
        assertThat(all).doesNotContain("SECURITY DEFINER");
    }

    @Test
    void theLastScriptSetsTheVersionTheBuildNeeds() {
        // A new script that forgot to replace billing_sql_version() would let a project without it pass as current.
        SupabaseSql.Script last =
                SupabaseSql.scripts().get(SupabaseSql.scripts().size() - 1);
        int number = Integer.parseInt(last.name().substring(0, 3));

        assertThat(SupabaseSql.VERSION).isEqualTo(number);
        assertThat(last.sql().replaceAll("\\s+", " "))
                .contains("CREATE OR REPLACE FUNCTION public.billing_sql_version() RETURNS integer")
                .contains("AS $$ SELECT " + number + " $$;");
    }

    @Test
    void theClaimHorizonIsTheCoresOwn() {
        // 028 writes MeterReport.CLAIM_HORIZON as an SQL interval: the two must not drift apart.
        assertThat(MeterReport.CLAIM_HORIZON).isEqualTo(Duration.ofDays(42).plusHours(1));
        assertThat(SupabaseSql.all()).contains("d.event_timestamp >= p_now - interval '42 days 1 hour'");
    }

    private static int count(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            count++;
        }
        return count;
    }
}
