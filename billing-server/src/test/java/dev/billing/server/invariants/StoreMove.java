package dev.billing.server.invariants;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.billing.server.CliConfigTest;
import dev.billing.testkit.postgres.PersonalDataScan;
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
 * says), {@code migrate-supabase} copies the store into a Postgres database and verifies it, every party's export
 * from the copy is the export from Supabase, erased parties included, and no erased person appears in the copy's
 * tables (docs/MIGRATION.md). Both exports are the {@code export} command's, the one on each store, so they differ
 * only by what the copy lost or changed. A sequence may have run earlier passes into the same database while the
 * server ran ({@link WorldSteps.MovePass}): the last pass must then catch up on everything since.
 */
final class StoreMove {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** {@code migrate-supabase}'s exit when the stores differ (docs/MIGRATION.md, "Exit codes"). */
    private static final int MISMATCH = 3;
    /** The command's default page. */
    private static final int DEFAULT_BATCH = 500;

    private StoreMove() {}

    /**
     * A pass while {@code serve} still runs, as the procedure allows before writes stop: it copies into the
     * sequence's target and may find the store changed meanwhile (exit 3, the background's writes), never anything
     * else. The move after the last step is then a later pass over the same target and checkpoint.
     */
    static void passWhileServing(Run r, int batchSize) {
        Target target = r.world.moveTarget();
        CliConfigTest.Run pass = pass(r.world, target, batchSize);
        assertThat(pass.exit())
                .as(
                        "migrate-supabase while serve runs exits 0 or 3 (the store changed meanwhile):%n%s%s",
                        pass.out(), pass.err())
                .isIn(0, MISMATCH);
        r.log.add(
                "a pass of migrate-supabase, " + batchSize + " records a page, while serve runs: exit " + pass.exit());
    }

    static void check(Run r) {
        World world = r.world;
        world.stopServer();
        Map<String, String> source = world.env();
        Map<String, JsonNode> before = new HashMap<>();
        for (Party p : r.parties) {
            before.put(p.account, export(source, p));
        }
        Target copy = world.moveTarget();
        int earlier = copy.passes;
        CliConfigTest.Run moved = pass(world, copy, DEFAULT_BATCH);
        assertThat(moved.exit())
                .as("migrate-supabase exits 0 (copied and verified):%n%s%s", moved.out(), moved.err())
                .isZero();
        assertThat(moved.out()).contains("Source and target hold the same records.");

        Map<String, String> target = new HashMap<>(source);
        target.remove("BILLING_STORE");
        target.remove("SUPABASE_URL");
        target.remove("SUPABASE_SERVICE_ROLE_KEY");
        target.put("DATABASE_URL", copy.database.postgresUrl());
        for (Party p : r.parties) {
            JsonNode copied = export(target, p);
            JsonNode was = before.get(p.account);
            List<String> differing = new ArrayList<>();
            was.fieldNames().forEachRemaining(field -> {
                if (!was.get(field).equals(copied.get(field))) {
                    differing.add(
                            field + ": Supabase " + shown(was.get(field)) + ", the copy " + shown(copied.get(field)));
                }
            });
            assertThat(differing)
                    .as("%s's export from the Postgres copy against Supabase's", p.account)
                    .isEmpty();
            assertThat(copied)
                    .as("%s's export from the copy: no field of its own", p.account)
                    .isEqualTo(was);
        }
        // A record erased after an earlier pass had copied it must be gone from the copy too, in every column: the
        // exports compare what the API shows, this what the copy's tables hold.
        List<String> erased = world.erasedIdentities();
        if (!erased.isEmpty()) {
            List<PersonalDataScan.Finding> found =
                    PersonalDataScan.of(copy.database.dataSource(), "billing").find(erased);
            assertThat(found)
                    .as("erased personal data in the Postgres copy, after %d earlier pass(es)", earlier)
                    .isEmpty();
        }
        r.log.add("the store moved to Postgres (" + (earlier == 0 ? "one pass" : earlier + 1 + " passes")
                + "): copied, verified, every export the same");
    }

    /** One run of {@code migrate-supabase} into the target, with its checkpoint. */
    private static CliConfigTest.Run pass(World world, Target target, int batchSize) {
        Map<String, String> source = world.env();
        Map<String, String> move = new HashMap<>();
        move.put("SUPABASE_URL", source.get("SUPABASE_URL"));
        move.put("SUPABASE_SERVICE_ROLE_KEY", source.get("SUPABASE_SERVICE_ROLE_KEY"));
        move.put("DATABASE_URL", target.database.postgresUrl());
        move.put("BILLING_LOG_FORMAT", "text");
        target.passes++;
        return CliConfigTest.run(
                move,
                "migrate-supabase",
                "--checkpoint",
                target.checkpoint.toString(),
                "--batch-size",
                Integer.toString(batchSize));
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

    /**
     * Where a sequence's store moves to, kept from its first pass to the last: a new Postgres database and the
     * command's checkpoint in a directory of its own.
     */
    static final class Target implements AutoCloseable {
        final TestDatabase database;
        final Path checkpoint;
        /** The passes run into it so far. */
        int passes;

        Target() {
            try {
                this.checkpoint = Files.createTempDirectory("invariants-move").resolve("migrate-supabase.checkpoint");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            this.database = PostgresFixture.shared().newDatabase("invariants_moved");
        }

        /** The database, and the checkpoint's directory with what the command left in it (its lock file). */
        @Override
        public void close() {
            database.close();
            try (Stream<Path> files = Files.walk(checkpoint.getParent())) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(file);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
