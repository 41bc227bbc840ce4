package dev.billing.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.StripeEmulator;
import dev.billing.testkit.Await;
import dev.billing.testkit.auth.TestKey;
import dev.billing.testkit.auth.TestKeys;
import dev.billing.testkit.http.Http;
import dev.billing.testkit.postgres.PostgresFixture;
import dev.billing.testkit.postgres.TestDatabase;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The container image as the build wrote it (target/billing-server-image.tar, Docker's {@code docker load} format):
 * its configuration, then its file system unpacked and run with {@code chroot} as the image's own unprivileged user,
 * with nothing from this machine but the kernel, {@code /proc} and the loopback network. No Docker engine is needed;
 * root is (for {@code chroot} and mounting {@code /proc}), as on the CI machine.
 */
class ServerImageIT {
    static final Path TAR = Path.of(System.getProperty("billing.image.tar", "target/billing-server-image.tar"));
    static final String VERSION = System.getProperty("billing.project.version", "0.1.0-SNAPSHOT");
    static final ObjectMapper JSON = new ObjectMapper();
    static final TestKey KEY = TestKeys.rsa2048("ins_image");

    static Path unpacked;
    static Path root;
    static JsonNode config;

    @BeforeAll
    static void unpack() throws Exception {
        assertThat(TAR)
                .as("the image tarball (./mvnw -B package -pl billing-server-image -am)")
                .isRegularFile();
        assertThat(run(List.of("id", "-u")).trim())
                .as("unpacking the image and chroot into it need root (as on the CI machine)")
                .isEqualTo("0");
        unpacked = Files.createTempDirectory("billing-image");
        root = unpacked.resolve("root");
        Path archive = unpacked.resolve("archive");
        Files.createDirectories(root);
        Files.createDirectories(archive);
        run(List.of("tar", "-xf", TAR.toString(), "-C", archive.toString()));
        JsonNode manifest =
                JSON.readTree(archive.resolve("manifest.json").toFile()).get(0);
        config = JSON.readTree(archive.resolve(manifest.path("Config").asText()).toFile());
        for (JsonNode layer : manifest.path("Layers")) {
            run(List.of(
                    "tar",
                    "--warning=no-unknown-keyword",
                    "-xzf",
                    archive.resolve(layer.asText()).toString(),
                    "-C",
                    root.toString()));
        }
        Files.createDirectories(root.resolve("proc"));
        run(List.of("mount", "-t", "proc", "proc", root.resolve("proc").toString()));
    }

    @AfterAll
    static void clean() throws Exception {
        if (root != null && Files.exists(root.resolve("proc/self"))) {
            run(List.of("umount", root.resolve("proc").toString()));
        }
        if (unpacked != null) {
            run(List.of("rm", "-rf", unpacked.toString()));
        }
    }

    @Test
    void theConfigurationRunsServeAsAnUnprivilegedUserOnPort8080() {
        JsonNode c = config.path("config");
        assertThat(c.path("User").asText()).isEqualTo("65532:65532");
        assertThat(strings(c.path("Entrypoint")))
                .startsWith("/opt/java/bin/java")
                .contains("-XX:+ExitOnOutOfMemoryError", "-cp", "@/app/jib-classpath-file")
                .contains(
                        "-XX:MaxRAMPercentage=40",
                        "-XX:MaxMetaspaceSize=160m",
                        "-XX:ReservedCodeCacheSize=64m",
                        "-XX:MaxDirectMemorySize=64m",
                        "-Xss512k")
                .endsWith("dev.billing.server.Main");
        assertThat(strings(c.path("Env")))
                .as("glibc keeps two arenas, not one per thread (docs/OPERATIONS.md, Memory)")
                .contains("MALLOC_ARENA_MAX=2");
        assertThat(strings(c.path("Cmd"))).containsExactly("serve");
        assertThat(c.path("ExposedPorts").has("8080/tcp")).isTrue();
        assertThat(c.path("Labels").path("org.opencontainers.image.version").asText())
                .isEqualTo(VERSION);
        assertThat(config.path("os").asText()).isEqualTo("linux");
    }

    @Test
    void theFileSystemHoldsTheRuntimeItsArchiveAndNoShell() throws IOException {
        assertThat(Files.getPosixFilePermissions(root.resolve("opt/java/bin/java")))
                .contains(PosixFilePermission.OTHERS_EXECUTE);
        assertThat(root.resolve("opt/java/lib/server/classes.jsa"))
                .as("the JDK classes' class-data archive")
                .isRegularFile();
        assertThat(root.resolve("app/jib-classpath-file")).isRegularFile();
        assertThat(Files.readString(root.resolve("etc/passwd"))).contains("billing:x:65532:65532:");
        assertThat(root.resolve("bin/sh")).as("no shell ships in the image").doesNotExist();
    }

    @Test
    void theImagesOwnJavaPrintsTheServersVersion() throws Exception {
        assertThat(inImage(Map.of(), "--version")).contains("billing-server " + VERSION);
    }

    @Test
    void serveFromTheImageBecomesReadyAndStopsOnSigterm() throws Exception {
        try (TestDatabase db = PostgresFixture.shared().newDatabase("image");
                StripeEmulator emulator = StripeEmulator.start(EmulatorOptions.defaults())) {
            int port = freePort();
            Path log = unpacked.resolve("serve.log");
            Process serve = start(
                    Map.of(
                            "STRIPE_SECRET_KEY", emulator.apiKey(),
                            "STRIPE_API_BASE", emulator.baseUrl(),
                            "STRIPE_WEBHOOK_SECRET", "whsec_imagetestsecret",
                            "CLERK_ISSUER", "https://clerk.image.test",
                            "CLERK_JWT_KEY", KEY.publicKeyPem(),
                            "DATABASE_URL", db.postgresUrl(),
                            "BILLING_ALLOWED_ORIGINS", "https://app.example.com",
                            "BILLING_HOST", "127.0.0.1",
                            "PORT", Integer.toString(port)),
                    log,
                    "serve");
            try {
                Http http = Http.local(port);
                try {
                    Await.until("serve from the image answers /health/ready with 200", () -> ready(http));
                } catch (AssertionError notReady) {
                    throw new AssertionError(notReady.getMessage() + "; its output:\n" + Files.readString(log));
                }
                assertThat(http.get("/me/entitlements", null).status()).isEqualTo(401);
            } finally {
                serve.destroy();
            }
            assertThat(serve.waitFor(Await.DEFAULT.toSeconds(), TimeUnit.SECONDS))
                    .isTrue();
            assertThat(Files.readString(log)).contains("billing server stopped").doesNotContain("\"level\":\"ERROR\"");
        }
    }

    private static boolean ready(Http http) {
        try {
            return http.get("/health/ready", null).status() == 200;
        } catch (RuntimeException notYet) {
            return false;
        }
    }

    /** The image's entrypoint with {@code args}, as its user, in its file system, with only {@code env} set. */
    private static Process start(Map<String, String> env, Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("chroot", "--userspec=65532:65532", root.toString()));
        command.addAll(strings(config.path("config").path("Entrypoint")));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().clear();
        for (JsonNode line : config.path("config").path("Env")) {
            String[] kv = line.asText().split("=", 2);
            builder.environment().put(kv[0], kv[1]);
        }
        builder.environment().putAll(env);
        return builder.redirectOutput(log.toFile()).start();
    }

    private static String inImage(Map<String, String> env, String... args) throws Exception {
        Path log = Files.createTempFile(unpacked, "run", ".log");
        Process process = start(env, log, args);
        assertThat(process.waitFor(Await.DEFAULT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }

    private static String run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(Await.DEFAULT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(command + ": " + output).isZero();
        return output;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
