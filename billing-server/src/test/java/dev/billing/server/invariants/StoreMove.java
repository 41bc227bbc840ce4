package dev.billing.server.invariants;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.billing.core.error.StoreException;
import dev.billing.core.migration.MigrateStores;
import dev.billing.core.model.migration.MigrationRecordType;
import dev.billing.core.port.BillingStores;
import dev.billing.core.port.MigrationCheckpoint;
import dev.billing.postgres.PostgresBillingStores;
import dev.billing.server.CliConfigTest;
import dev.billing.server.FileMigrationCheckpoint;
import dev.billing.supabase.SupabaseBillingStores;
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
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The move off Supabase, after a sequence on the Supabase store: the server stopped (writes stopped, as the procedure
 * says), {@code migrate-supabase} copies the store into a Postgres database and verifies it, every party's export
 * from the copy is the export from Supabase, erased parties included, and no erased person appears in the copy's
 * tables (docs/MIGRATION.md). Both exports are the {@code export} command's, the one on each store, so they differ
 * only by what the copy lost or changed. A sequence may have run earlier passes into the same database while the
 * server ran ({@link WorldSteps.MovePass}): the last pass must then catch up on everything since. The last pass is
 * cut first, at a point that depends on the sequence ({@link CutPoint}), and the command resumes it from where the
 * cut left it.
 */
final class StoreMove {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** {@code migrate-supabase}'s exit when the stores differ (docs/MIGRATION.md, "Exit codes"). */
    private static final int MISMATCH = 3;
    /** The command's default page. */
    private static final int DEFAULT_BATCH = 500;
    /** The cut pass's page: small, so that most types take several pages and a cut can fall after any of them. */
    private static final int CUT_BATCH = 3;

    private StoreMove() {}

    /**
     * A pass while {@code serve} still runs, as the procedure allows before writes stop, into the sequence's target:
     * the command's, which may find the store changed meanwhile (exit 3, the background's writes) and nothing else;
     * or, when {@code cutAfterSave} is positive, the core's engine cut at the call after that many pages saved within
     * a type (as a Ctrl-C or a lost database would stop it), which the next pass resumes. The move after the last
     * step is a later pass over the same target and checkpoint.
     */
    static void passWhileServing(Run r, int batchSize, int cutAfterSave) {
        Target target = r.world.moveTarget();
        if (cutAfterSave > 0) {
            Stopped stopped = cutPass(r.world, target, new CutPoint(cutAfterSave, 1), batchSize);
            r.log.add("the engine's pass, " + batchSize + " records a page, while serve runs: " + stopped.where());
            return;
        }
        CliConfigTest.Run pass = pass(r.world, target, batchSize);
        assertThat(pass.exit())
                .as(
                        "migrate-supabase while serve runs exits 0 or 3 (the store changed meanwhile):%n%s%s",
                        pass.out(), pass.err())
                .isIn(0, MISMATCH);
        r.log.add(
                "a pass of migrate-supabase, " + batchSize + " records a page, while serve runs: exit " + pass.exit());
    }

    /**
     * The move after the last step. Its pass is first cut at {@code cutAt} (the core's engine on the real stores,
     * with the command's checkpoint file), then the command resumes it from that checkpoint.
     */
    static void check(Run r, CutPoint cutAt) {
        World world = r.world;
        world.stopServer();
        Map<String, String> source = world.env();
        Map<String, JsonNode> before = new HashMap<>();
        for (Party p : r.parties) {
            before.put(p.account, export(source, p));
        }
        Target copy = world.moveTarget();
        int earlier = copy.passes;
        // A pass cut while serve ran and not resumed since is resumed now: what changed behind its cursor meanwhile
        // it cannot see, so its verification may fail (exit 3), and the pass after it may not.
        boolean resumesALivePass = !positions(copy).isEmpty() && where(copy).unfinished();
        Stopped cut = cutPass(world, copy, cutAt, CUT_BATCH);
        CliConfigTest.Run moved = pass(world, copy, DEFAULT_BATCH);
        if (cut.unfinished()) {
            assertThat(moved.out())
                    .as("the run after a pass %s resumes it:%n%s", cut.where(), moved.out())
                    .contains("Resuming from the checkpoint");
        }
        String again = "";
        if (resumesALivePass && moved.exit() == MISMATCH) {
            moved = pass(world, copy, DEFAULT_BATCH);
            assertThat(moved.out()).contains("The last run finished: copying everything again");
            again = ", then a new pass after the resumed one found what changed behind its cursor";
        }
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
        String moves = "the store moved to Postgres (" + (earlier == 0 ? "one pass" : earlier + 1 + " passes")
                + ", the last " + cut.where() + " at " + cutAt
                + (cut.unfinished() ? ", resumed from its checkpoint" : "") + again
                + "): copied, verified, every export the same";
        r.log.add(moves);
        System.out.println("invariant sequence " + r.id + ": " + moves);
    }

    /**
     * Where the move's last pass is cut: {@code calls} calls to the target after the {@code save}-th position it saved
     * within a type (a page that was not its type's last), so that the command finds a type unfinished to resume.
     */
    record CutPoint(int save, int calls) {
        /** One of 36 cut points, chosen by {@code seed}. */
        static CutPoint of(int seed) {
            return new CutPoint(1 + Math.floorMod(seed, 12), 1 + Math.floorMod(seed / 12, 3));
        }

        @Override
        public String toString() {
            return calls + " call(s) after its saved position " + save;
        }
    }

    /** Where a cut pass stopped, and whether it left a type unfinished (which the next run must resume). */
    private record Stopped(String where, boolean unfinished) {}

    /**
     * A pass of the engine {@code migrate-supabase} runs, into the target through stores cut at {@code point}, saving
     * where it stands in the target's checkpoint file as the command does (a pass with fewer saves finishes, and may
     * find the store changed meanwhile if serve runs).
     */
    private static Stopped cutPass(World world, Target target, CutPoint point, int batchSize) {
        Map<String, String> env = world.env();
        try (BillingStores source =
                        SupabaseBillingStores.create(env.get("SUPABASE_URL"), env.get("SUPABASE_SERVICE_ROLE_KEY"));
                BillingStores copy = PostgresBillingStores.create(target.database.postgresUrl())) {
            CutStores.Cut cut = CutStores.of(copy);
            MigrationCheckpoint file = new FileMigrationCheckpoint(target.checkpoint);
            AtomicInteger saves = new AtomicInteger();
            MigrationCheckpoint checkpoint = new MigrationCheckpoint() {
                @Override
                public Optional<MigrationCheckpoint.Position> load(MigrationRecordType type) {
                    return file.load(type);
                }

                @Override
                public void save(MigrationRecordType type, MigrationCheckpoint.Position position) {
                    file.save(type, position);
                    if (!position.done() && position.copied() > 0 && saves.incrementAndGet() == point.save()) {
                        cut.after(point.calls());
                    }
                }
            };
            try {
                MigrateStores.from(source)
                        .to(cut.stores())
                        .batchSize(batchSize)
                        .checkpoint(checkpoint)
                        .run();
            } catch (StoreException e) {
                if (!cut.happened()) {
                    throw e;
                }
            }
            target.passes++;
            return cut.happened() ? where(target) : new Stopped("not cut (" + saves + " saves)", false);
        }
    }

    /** Where the checkpoint says a cut pass stopped: the first type it had not finished. */
    private static Stopped where(Target target) {
        Map<MigrationRecordType, MigrationCheckpoint.Position> after = positions(target);
        for (MigrationRecordType type : MigrationRecordType.values()) {
            MigrationCheckpoint.Position position = after.get(type);
            if (position == null || !position.done()) {
                return new Stopped(
                        "cut in " + type.wireName() + " (" + (position == null ? 0 : position.copied()) + " copied)",
                        true);
            }
        }
        return new Stopped("cut once it had copied everything", false);
    }

    private static Map<MigrationRecordType, MigrationCheckpoint.Position> positions(Target target) {
        FileMigrationCheckpoint checkpoint = new FileMigrationCheckpoint(target.checkpoint);
        Map<MigrationRecordType, MigrationCheckpoint.Position> positions = new HashMap<>();
        for (MigrationRecordType type : MigrationRecordType.values()) {
            checkpoint.load(type).ifPresent(p -> positions.put(type, p));
        }
        return positions;
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
