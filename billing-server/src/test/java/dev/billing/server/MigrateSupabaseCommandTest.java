package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code migrate-supabase}'s configuration and usage checks: every problem at once (exit 2), before any connection,
 * never echoing a key or a password; and docs/MIGRATION.md names every flag and exit code the command has.
 */
class MigrateSupabaseCommandTest {
    static final String DB_PASSWORD = "s3cret-db-password";

    @TempDir
    Path dir;

    /** A JWT-shaped Supabase key for {@code role} (only its payload is read before any call). */
    static String key(String role) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(
                        ("{\"role\":\"" + role + "\",\"iss\":\"supabase\"}").getBytes(StandardCharsets.UTF_8))
                + ".c2lnbmF0dXJlLW9mLXRoZS1rZXk";
    }

    static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("SUPABASE_URL", "https://abcd.supabase.co");
        env.put("SUPABASE_SERVICE_ROLE_KEY", key("service_role"));
        env.put("DATABASE_URL", "postgres://billing:" + DB_PASSWORD + "@127.0.0.1:1/billing");
        return env;
    }

    @Test
    void anEmptyEnvironmentAndABadFlagAreReportedTogether() {
        CliConfigTest.Run r = CliConfigTest.run(
                Map.of(), "migrate-supabase", "--batch-size", "0", "--writers", "65", "--dry-run", "--verify-only");

        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err())
                .contains("Invalid configuration (6 problems)")
                .contains("--writers: must be a whole number from 1 to 64, was 65")
                .contains("SUPABASE_URL is required")
                .contains("SUPABASE_SERVICE_ROLE_KEY is required")
                .contains("DATABASE_URL is required")
                .contains("--batch-size: must be a whole number from 1 to 10000")
                .contains("--dry-run and --verify-only");
        assertThat(r.out()).isEmpty();
    }

    @Test
    void theAnonKeyAndABrokenDatabaseUrlAreRefusedWithoutRepeatingThem() {
        Map<String, String> env = env();
        String anon = key("anon");
        env.put("SUPABASE_SERVICE_ROLE_KEY", anon);
        env.put("DATABASE_URL", "mysql://billing:" + DB_PASSWORD + "@db/billing");

        CliConfigTest.Run r = CliConfigTest.run(env, "migrate-supabase");

        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err())
                .contains("Invalid configuration (2 problems)")
                .contains("SUPABASE_URL / SUPABASE_SERVICE_ROLE_KEY")
                .contains("service_role")
                .contains("DATABASE_URL: ")
                .doesNotContain(anon)
                .doesNotContain(anon.substring(anon.lastIndexOf('.') + 1))
                .doesNotContain(DB_PASSWORD);
    }

    @Test
    void aFileThatIsNotACheckpointIsAConfigurationErrorAndIsLeftAlone() throws Exception {
        Path file = dir.resolve("notes.txt");
        Files.writeString(file, "customer_links done lots\n");

        CliConfigTest.Run r = CliConfigTest.run(env(), "migrate-supabase", "--checkpoint", file.toString());

        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err())
                .contains("--checkpoint: Line 1 of the migration checkpoint")
                .contains("notes.txt")
                .contains("delete the file to start over");
        assertThat(Files.readString(file)).isEqualTo("customer_links done lots\n");
    }

    @Test
    void anUnreachableDatabaseIsAStoreFailureThatSaysHowToResume() throws Exception {
        Map<String, String> env = env();
        env.put("SUPABASE_URL", "http://127.0.0.1:1");
        Path checkpoint = dir.resolve("c").resolve("migrate.checkpoint");

        CliConfigTest.Run r = CliConfigTest.run(env, "migrate-supabase", "--checkpoint", checkpoint.toString());

        assertThat(r.exit()).as(r.err()).isEqualTo(1);
        assertThat(r.err())
                .contains("source: ")
                .contains("Supabase is unreachable")
                .contains("target: Postgres is unavailable")
                .contains("run the same command again to resume")
                .doesNotContain(DB_PASSWORD);
        assertThat(checkpoint).doesNotExist();
        try (java.nio.channels.FileChannel lockFile = java.nio.channels.FileChannel.open(
                checkpoint.resolveSibling("migrate.checkpoint.lock"), java.nio.file.StandardOpenOption.WRITE)) {
            assertThat(lockFile.tryLock()).as("the run released its lock").isNotNull();
        }
    }

    @Test
    void aCheckpointInUseByAnotherRunIsRefused() throws Exception {
        Path checkpoint = dir.resolve("migrate.checkpoint");
        try (java.nio.channels.FileChannel held = java.nio.channels.FileChannel.open(
                        dir.resolve("migrate.checkpoint.lock"),
                        java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.WRITE);
                java.nio.channels.FileLock lock = held.lock()) {
            CliConfigTest.Run r = CliConfigTest.run(env(), "migrate-supabase", "--checkpoint", checkpoint.toString());

            assertThat(r.exit()).as(r.err()).isEqualTo(2);
            assertThat(r.err())
                    .contains("--checkpoint: another migrate-supabase run")
                    .contains(checkpoint.toString());
            assertThat(lock.isValid()).isTrue();
        }
        assertThat(checkpoint).doesNotExist();
    }

    @Test
    void theMigrationGuideNamesEveryFlagAndExitCode() throws Exception {
        CliConfigTest.Run help = CliConfigTest.run(Map.of(), "migrate-supabase", "--help");
        assertThat(help.exit()).isZero();
        String guide = Files.readString(Path.of("..", "docs", "MIGRATION.md"));
        Matcher flags = Pattern.compile("(--[a-z][a-z-]+)").matcher(help.out());
        int found = 0;
        while (flags.find()) {
            if (flags.group(1).equals("--help") || flags.group(1).equals("--version")) {
                continue;
            }
            found++;
            assertThat(guide).as("docs/MIGRATION.md names " + flags.group(1)).contains("`" + flags.group(1));
        }
        assertThat(found).isGreaterThanOrEqualTo(4);
        assertThat(help.out())
                .contains("--batch-size")
                .contains("--checkpoint")
                .contains("--dry-run")
                .contains("--verify-only");
        for (int code : new int[] {Main.OK, Main.FAILED, Main.CONFIG, MigrateSupabaseCommand.MISMATCH}) {
            assertThat(guide).containsPattern("(?m)^\\| " + code + " \\|");
        }
        assertThat(guide).contains(MigrateSupabaseCommand.DEFAULT_CHECKPOINT);
    }
}
