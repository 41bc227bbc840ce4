package dev.billing.server.invariants;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.billing.server.CliConfigTest;
import dev.billing.testkit.postgres.PostgresFixture;
import dev.billing.testkit.postgres.TestDatabase;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The move off Supabase, after a sequence on the Supabase store: the server stopped (writes stopped, as the procedure
 * says), {@code migrate-supabase} copies the store into a new Postgres database and verifies it, and every party's
 * export from the copy is the export from Supabase, erased parties included (docs/MIGRATION.md). Both exports are
 * the {@code export} command's, the one on each store, so they differ only by what the copy lost or changed.
 */
final class StoreMove {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StoreMove() {}

    static void check(Run r) {
        World world = r.world;
        world.stopServer();
        Map<String, String> source = world.env();
        Map<String, JsonNode> before = new HashMap<>();
        for (Party p : r.parties) {
            before.put(p.account, export(source, p));
        }
        try (TestDatabase copy = PostgresFixture.shared().newDatabase("invariants_moved")) {
            Map<String, String> move = new HashMap<>();
            move.put("SUPABASE_URL", source.get("SUPABASE_URL"));
            move.put("SUPABASE_SERVICE_ROLE_KEY", source.get("SUPABASE_SERVICE_ROLE_KEY"));
            move.put("DATABASE_URL", copy.postgresUrl());
            move.put("BILLING_LOG_FORMAT", "text");
            Path checkpoint = checkpoint();
            CliConfigTest.Run moved;
            try {
                moved = CliConfigTest.run(move, "migrate-supabase", "--checkpoint", checkpoint.toString());
            } finally {
                delete(checkpoint);
            }
            assertThat(moved.exit())
                    .as("migrate-supabase exits 0 (copied and verified):%n%s%s", moved.out(), moved.err())
                    .isZero();
            assertThat(moved.out()).contains("Source and target hold the same records.");

            Map<String, String> target = new HashMap<>(source);
            target.remove("BILLING_STORE");
            target.remove("SUPABASE_URL");
            target.remove("SUPABASE_SERVICE_ROLE_KEY");
            target.put("DATABASE_URL", copy.postgresUrl());
            for (Party p : r.parties) {
                JsonNode copied = export(target, p);
                JsonNode was = before.get(p.account);
                List<String> differing = new ArrayList<>();
                was.fieldNames().forEachRemaining(field -> {
                    if (!was.get(field).equals(copied.get(field))) {
                        differing.add(field + ": Supabase " + shown(was.get(field)) + ", the copy "
                                + shown(copied.get(field)));
                    }
                });
                assertThat(differing)
                        .as("%s's export from the Postgres copy against Supabase's", p.account)
                        .isEmpty();
                assertThat(copied)
                        .as("%s's export from the copy: no field of its own", p.account)
                        .isEqualTo(was);
            }
        }
        r.log.add("the store moved to Postgres: copied, verified, every export the same");
    }

    /** The account's export, without the moment it was taken. */
    private static JsonNode export(Map<String, String> env, Party p) {
        List<String> args = new ArrayList<>(List.of("export", "--user", p.account));
        if (p.email != null) {
            args.addAll(List.of("--email", p.email));
        }
        CliConfigTest.Run result = CliConfigTest.run(env, args.toArray(String[]::new));
        assertThat(result.exit())
                .as("export of %s: %s", p.account, result.err())
                .isZero();
        try {
            JsonNode document = JSON.readTree(result.out());
            ((ObjectNode) document).remove("exportedAt");
            return document;
        } catch (IOException e) {
            throw new AssertionError("export of " + p.account + " is not JSON: " + result.out(), e);
        }
    }

    /** A part of an export, shortened: a differing part is what the message needs, not the whole document. */
    private static String shown(JsonNode node) {
        String text = String.valueOf(node);
        return text.length() <= 600 ? text : text.substring(0, 600) + "... (" + text.length() + " characters)";
    }

    private static Path checkpoint() {
        try {
            return Files.createTempDirectory("invariants-move").resolve("migrate-supabase.checkpoint");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The checkpoint's directory and what the command left in it (the checkpoint, its lock file). */
    private static void delete(Path checkpoint) {
        try (Stream<Path> files = Files.walk(checkpoint.getParent())) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
