package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.StripeEmulator;
import dev.billing.testkit.auth.TestKey;
import dev.billing.testkit.auth.TestKeys;
import dev.billing.testkit.http.Http;
import dev.billing.testkit.postgres.PostgresFixture;
import dev.billing.testkit.postgres.TestDatabase;
import java.net.http.HttpRequest;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Service API keys through {@code serve}'s own wiring on Postgres, managed from the command line
 * ({@code service-keys create|list|revoke}) as an operator does: a key with {@code usage:write} records usage for the
 * user it names; the same key is 403 on an admin route and on a scope it lacks; revoked, it is 401; the audit entry
 * of what it changed names it; its secret is in no log line, list or answer but the one that issued it.
 */
class ServiceKeysServeIT {
    static final TestKey KEY = TestKeys.rsa2048("ins_service_keys");
    static final String SECRET = "whsec_servicekeystestsecret";
    static final String ADMIN = "service-keys-admin-token-0123456789abcdef";
    static final Pattern ISSUED = Pattern.compile("secret \\(shown this once; only its hash is stored\\): (bsk_\\S+)");
    static final String USER = "user_chat_7";

    TestDatabase db;
    StripeEmulator emulator;
    BillingServer server;
    Http http;
    Map<String, String> env;

    @BeforeEach
    void start() {
        db = PostgresFixture.shared().newDatabase("service_keys");
        emulator = StripeEmulator.start(EmulatorOptions.defaults().withSampleSeed());
        env = new HashMap<>();
        env.put("STRIPE_SECRET_KEY", emulator.apiKey());
        env.put("STRIPE_API_BASE", emulator.baseUrl());
        env.put("STRIPE_WEBHOOK_SECRET", SECRET);
        env.put("CLERK_ISSUER", "https://clerk.service-keys.test");
        env.put("CLERK_JWT_KEY", KEY.publicKeyPem());
        env.put("DATABASE_URL", db.postgresUrl());
        env.put("BILLING_ALLOWED_ORIGINS", "https://app.example.com");
        env.put("BILLING_ADMIN_TOKEN", ADMIN);
        env.put("BILLING_HOST", "127.0.0.1");
        env.put("PORT", Integer.toString(ServeModeIT.freePort()));
        server = ServeMode.start(ServerConfig.fromEnv(env), "test");
        http = Http.local(server.port());
    }

    @AfterEach
    void stop() {
        server.close();
        emulator.close();
        db.close();
    }

    String create(String... options) {
        String[] args = new String[options.length + 2];
        args[0] = "service-keys";
        args[1] = "create";
        System.arraycopy(options, 0, args, 2, options.length);
        CliConfigTest.Run run = CliConfigTest.run(env, args);
        assertThat(run.exit()).as(run.out() + run.err()).isZero();
        Matcher m = ISSUED.matcher(run.out());
        assertThat(m.find()).as(run.out()).isTrue();
        assertThat(run.err()).doesNotContain(m.group(1));
        return m.group(1);
    }

    Http.Response as(String method, String path, String key, String body, Map<String, String> headers) {
        HttpRequest.Builder b =
                http.request(path).header("Authorization", "Bearer " + key).header("Billing-Act-As", "user:" + USER);
        headers.forEach(b::header);
        if (method.equals("GET")) {
            b.GET();
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return http.send(b);
    }

    @Test
    void aKeyRecordsUsageForTheUserItNamesAndNothingElseAndIsAuditedUntilRevoked() {
        String key = create("--name", "chat", "--scopes", "usage:write,customers:write");
        String id = key.substring(0, 20);

        Http.Response customer = as("POST", "/stripe/customer", key, "{}", Map.of());
        assertThat(customer.status()).as(customer.body()).isEqualTo(200);
        Http.Response used = as(
                "POST", "/usage", key, "{\"meter\":\"api_calls\",\"amount\":1}", Map.of("Idempotency-Key", "chat-1"));
        assertThat(used.status()).as(used.body()).isEqualTo(200);
        assertThat(used.json().path("used").asLong()).isEqualTo(1);

        Http.Response admin = http.get("/admin/audit", key);
        assertThat(admin.status()).isEqualTo(403);
        assertThat(admin.errorCode()).isEqualTo("insufficient_scope");
        Http.Response lacking = as("GET", "/me/entitlements", key, null, Map.of());
        assertThat(lacking.status()).isEqualTo(403);
        assertThat(lacking.errorCode()).isEqualTo("insufficient_scope");

        JsonNode audit = http.get("/admin/audit?userId=" + USER, ADMIN).json();
        assertThat(audit.path("data").get(0).path("cause").asText()).startsWith("service:" + id + ":");

        CliConfigTest.Run list = CliConfigTest.run(env, "service-keys", "list");
        assertThat(list.out()).contains(id).contains("chat").doesNotContain(key.substring(21));
        CliConfigTest.Run revoke = CliConfigTest.run(env, "service-keys", "revoke", id);
        assertThat(revoke.exit()).as(revoke.out() + revoke.err()).isZero();
        assertThat(revoke.out()).contains("revoked=");

        assertThat(http.get("/admin/audit?type=service_key.revoked", ADMIN)
                        .json()
                        .path("data")
                        .get(0)
                        .path("cause")
                        .asText())
                .startsWith("admin:cli_");
        Http.Response revoked = as(
                "POST", "/usage", key, "{\"meter\":\"api_calls\",\"amount\":1}", Map.of("Idempotency-Key", "chat-2"));
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.errorCode()).isEqualTo("service_key_revoked");
        assertThat(revoked.body()).doesNotContain(key.substring(21));
    }

    @Test
    void theCommandLineRefusesWhatIsNoKey() {
        CliConfigTest.Run badScope =
                CliConfigTest.run(env, "service-keys", "create", "--name", "x", "--scopes", "admin");
        assertThat(badScope.exit()).isEqualTo(2);
        assertThat(badScope.err()).contains("unknown scope admin");
        CliConfigTest.Run past = CliConfigTest.run(
                env,
                "service-keys",
                "create",
                "--name",
                "x",
                "--scopes",
                "usage:write",
                "--expires-at",
                "2020-01-01T00:00:00Z");
        assertThat(past.exit()).isEqualTo(2);
        assertThat(past.err()).contains("expiresAt must be in the future");
        CliConfigTest.Run none = CliConfigTest.run(env, "service-keys", "rotate", "bsk_ffffffffffffffff");
        assertThat(none.exit()).isEqualTo(1);
    }
}
