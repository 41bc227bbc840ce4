package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.param.CustomerSearchParams;
import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.Fault;
import dev.billing.emulator.FaultKind;
import dev.billing.emulator.StripeEmulator;
import dev.billing.testkit.Await;
import dev.billing.testkit.auth.TokenMinter;
import dev.billing.testkit.http.Http;
import dev.billing.testkit.postgres.PostgresFixture;
import dev.billing.testkit.postgres.TestDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * RELIABILITY I3, "a crash between the two": {@code serve} in its own JVM is killed with SIGKILL after Stripe created
 * the user's customer and before the link was stored. The server started again on the same store links that same
 * customer on the user's next request: Stripe holds exactly one customer for the user, and the store links it.
 */
class CustomerCreationKillIT {
    static final String USER = "user_killed_mid_creation";
    /** Only stops a hang: a loaded machine starts the server slowly, never wrongly. */
    static final Duration HANG = Duration.ofMinutes(3);

    @TempDir
    Path dir;

    TestDatabase db;
    StripeEmulator emulator;
    StripeClient stripe;
    Map<String, String> env;
    Process server;
    TokenMinter minter;

    @BeforeEach
    void start() {
        db = PostgresFixture.shared().newDatabase("kill");
        emulator = StripeEmulator.start(EmulatorOptions.defaults().withSampleSeed());
        stripe = StripeClient.builder()
                .setApiKey(emulator.apiKey())
                .setApiBase(emulator.baseUrl())
                .build();
        env = new HashMap<>(ServerJarIT.serveEnv(db, emulator, ServeModeIT.freePort()));
        env.put("BILLING_LOG_FORMAT", "text");
        minter = new TokenMinter(ServerJarIT.KEY, env.get("CLERK_ISSUER"), Clock.systemUTC());
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        emulator.close();
        db.close();
    }

    @Test
    void aServerKilledAfterStripeCreatedTheCustomerLinksThatSameCustomerWhenItRestarts() throws Exception {
        Http http = Http.local(Integer.parseInt(env.get("PORT")));
        String token =
                minter.token().subject(USER).expiresIn(Duration.ofMinutes(10)).sign();
        server = started(http, dir.resolve("first.log"));

        // Stripe creates the customer (and keeps the answer for its idempotency key), then does not answer.
        emulator.addFault(
                Fault.of(FaultKind.HANG_AFTER_APPLY, "POST", "/v1/customers").hangFor(HANG));
        CompletableFuture<Http.Response> cut =
                CompletableFuture.supplyAsync(() -> http.post("/stripe/customer", token, null));
        Await.until(
                "Stripe created the customer", HANG, () -> customersAtStripe().size() == 1);
        assertThat(links())
                .as("the server is still waiting for Stripe's answer")
                .isEmpty();
        server.destroyForcibly(); // SIGKILL: no shutdown hook, nothing finishes
        assertThat(server.waitFor(HANG.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(server.exitValue()).as("killed, not stopped").isEqualTo(137);
        assertThat(cut.handle((answer, failure) -> failure != null || answer.status() >= 500)
                        .get(HANG.toSeconds(), TimeUnit.SECONDS))
                .as("the request cut by the kill got no customer")
                .isTrue();
        String created = customersAtStripe().get(0);
        assertThat(links()).as("nothing was linked before the kill").isEmpty();

        emulator.clearFaults();
        server = started(http, dir.resolve("second.log"));
        Http.Response again = http.post("/stripe/customer", token, null);
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().path("customerId").asText())
                .as("the customer Stripe created before the kill")
                .isEqualTo(created);
        assertThat(customersAtStripe()).as("one customer at Stripe").containsExactly(created);
        assertThat(links()).as("one link in the store").containsExactly(created);
        assertThat(http.post("/stripe/customer", token, null)
                        .json()
                        .path("customerId")
                        .asText())
                .isEqualTo(created);
    }

    /** {@code serve} from the jar in its own JVM, once it is ready. */
    private Process started(Http http, Path log) throws Exception {
        Process process = MigrateSupabaseIT.launch(env, log, "serve");
        try {
            ServerJarIT.awaitReady(http, process, System.nanoTime());
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + ":\n" + Files.readString(log, StandardCharsets.UTF_8), e);
        }
        return process;
    }

    private List<String> customersAtStripe() {
        try {
            return stripe
                    .v1()
                    .customers()
                    .search(CustomerSearchParams.builder()
                            .setQuery("metadata['user_id']:'" + USER + "'")
                            .build())
                    .getData()
                    .stream()
                    .map(c -> c.getId())
                    .toList();
        } catch (StripeException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<String> links() throws Exception {
        try (Connection c = db.dataSource().getConnection();
                PreparedStatement s =
                        c.prepareStatement("SELECT customer_id FROM billing.customers WHERE user_id = ?")) {
            s.setString(1, USER);
            try (ResultSet rs = s.executeQuery()) {
                List<String> found = new java.util.ArrayList<>();
                while (rs.next()) {
                    found.add(rs.getString(1));
                }
                return found;
            }
        }
    }
}
