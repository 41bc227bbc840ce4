package dev.billing.clerk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.billing.core.error.IdentityRejectedException;
import dev.billing.core.error.IdentityRejectedException.Reason;
import dev.billing.core.error.IdentityUnavailableException;
import dev.billing.testkit.MutableClock;
import dev.billing.testkit.auth.JwksServer;
import dev.billing.testkit.auth.TestKey;
import dev.billing.testkit.auth.TestKeys;
import dev.billing.testkit.auth.TokenMinter;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.LoggerFactory;

/** Keys from a real JWKS endpoint ({@link JwksServer} over HTTP on loopback). */
class ClerkIdentityVerifierJwksIT {
    static final TestKey KEY_A = TestKeys.rsa2048("ins_key_a");
    static final TestKey KEY_B = TestKeys.rsa2048("ins_key_b");
    static final TestKey WEAK = TestKeys.rsa1024Weak("ins_weak");
    static final String ISSUER = "https://clerk.billing.test";
    static final Duration PAST_COOLDOWN = ClerkConfig.DEFAULT_REFETCH_COOLDOWN.plusSeconds(1);

    final MutableClock clock = MutableClock.at(Instant.now().truncatedTo(ChronoUnit.SECONDS));
    final TokenMinter minterA = new TokenMinter(KEY_A, ISSUER, clock);
    final TokenMinter minterB = new TokenMinter(KEY_B, ISSUER, clock);
    final List<JwksServer> servers = new ArrayList<>();

    @AfterEach
    void stopServers() {
        servers.forEach(JwksServer::close);
    }

    JwksServer jwks(TestKey... keys) {
        JwksServer server = JwksServer.start(keys);
        servers.add(server);
        return server;
    }

    ClerkIdentityVerifier verifier(JwksServer server) {
        return verifier(server, b -> {});
    }

    ClerkIdentityVerifier verifier(JwksServer server, Consumer<ClerkConfig.Builder> tweak) {
        ClerkConfig.Builder builder = ClerkConfig.builder().issuer(ISSUER).jwksUrl(server.jwksUrl());
        tweak.accept(builder);
        return ClerkIdentityVerifier.create(builder.build(), clock);
    }

    /** A token no earlier call has seen (so the verified-token cache cannot answer it). */
    static String fresh(TokenMinter minter) {
        return minter.token().subject("user_" + UUID.randomUUID()).sign();
    }

    static void assertRejected(ThrowingCallable call, Reason reason) {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(
                        IdentityRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(reason));
    }

    static Duration timed(Runnable action) {
        long start = System.nanoTime();
        action.run();
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Test
    void verifiesWithPublishedKeysAndFetchesThemOnce() {
        JwksServer server = jwks(KEY_A, KEY_B);
        ClerkIdentityVerifier verifier = verifier(server);

        assertThat(verifier.verify(fresh(minterA))).isNotNull();
        assertThat(verifier.verify(fresh(minterB))).isNotNull();
        assertThat(verifier.verify(fresh(minterA))).isNotNull();

        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void preloadFetchesKeysBeforeTheFirstToken() {
        JwksServer server = jwks(KEY_A);
        ClerkIdentityVerifier verifier = verifier(server);

        verifier.preload();
        verifier.verify(fresh(minterA));

        assertThat(server.requestCount()).isEqualTo(1);
    }

    @Test
    void preloadReportsAnUnreachableEndpoint() {
        JwksServer server = jwks(KEY_A).down();

        assertThatThrownBy(() -> verifier(server).preload()).isInstanceOf(IdentityUnavailableException.class);
    }

    @Test
    void warmCacheKeepsVerifyingKnownKidsWhileJwksIsDown() {
        JwksServer server = jwks(KEY_A);
        ClerkIdentityVerifier verifier = verifier(server);
        verifier.verify(fresh(minterA));

        server.down();
        clock.advance(PAST_COOLDOWN);

        assertThat(verifier.verify(fresh(minterA))).isNotNull();
        assertRejected(() -> verifier.verify(fresh(minterB)), Reason.UNKNOWN_KEY); // refetch failed: still 401, not 503
        assertThat(verifier.verify(fresh(minterA))).isNotNull();
    }

    @Test
    void warmCacheSurvivesJwksErrorsAndGarbage() {
        JwksServer server = jwks(KEY_A);
        ClerkIdentityVerifier verifier = verifier(server);
        verifier.verify(fresh(minterA));

        server.failWith(500);
        clock.advance(PAST_COOLDOWN);
        assertRejected(() -> verifier.verify(fresh(minterB)), Reason.UNKNOWN_KEY);
        server.serveGarbage();
        clock.advance(PAST_COOLDOWN);
        assertRejected(() -> verifier.verify(fresh(minterB)), Reason.UNKNOWN_KEY);

        assertThat(verifier.verify(fresh(minterA))).isNotNull();
        assertThat(server.requestCount()).isEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(strings = {"down", "503", "404", "garbage", "weak-only"})
    void coldCacheWithBrokenJwksIsUnavailableQuickly(String breakage) {
        JwksServer server = jwks(KEY_A);
        switch (breakage) {
            case "down" -> server.down();
            case "garbage" -> server.serveGarbage();
            case "weak-only" -> server.serve(WEAK);
            default -> server.failWith(Integer.parseInt(breakage));
        }
        ClerkIdentityVerifier verifier = verifier(server);

        Duration elapsed = timed(() -> assertThatThrownBy(() -> verifier.verify(fresh(minterA)))
                .isInstanceOf(IdentityUnavailableException.class)
                .hasMessageContaining("unavailable"));

        // A refusal or a bad answer comes back at once; the bound only says it never waits out a timeout.
        assertThat(elapsed).isLessThan(ClerkConfig.DEFAULT_REQUEST_TIMEOUT.multipliedBy(5));
    }

    @Test
    void coldCacheWithHangingJwksIsUnavailableWithinTheRequestTimeout() {
        JwksServer server = jwks(KEY_A).slow(Duration.ofSeconds(30));
        ClerkIdentityVerifier verifier = verifier(server);

        Duration elapsed = timed(() -> assertThatThrownBy(() -> verifier.verify(fresh(minterA)))
                .isInstanceOf(IdentityUnavailableException.class));

        // It waited for the request timeout, and did not wait for the server's 30 s (the bound is 5x the timeout).
        assertThat(elapsed)
                .isBetween(
                        ClerkConfig.DEFAULT_REQUEST_TIMEOUT.minusMillis(500),
                        ClerkConfig.DEFAULT_REQUEST_TIMEOUT.multipliedBy(5));
    }

    @Test
    void coldCacheFailsFastBetweenRetriesAndRecovers() {
        JwksServer server = jwks(KEY_A).failWith(503);
        ClerkIdentityVerifier verifier = verifier(server);
        assertThatThrownBy(() -> verifier.verify(fresh(minterA))).isInstanceOf(IdentityUnavailableException.class);

        assertThatThrownBy(() -> verifier.verify(fresh(minterA))).isInstanceOf(IdentityUnavailableException.class);
        assertThat(server.requestCount())
                .as("no second fetch inside the cold retry interval")
                .isEqualTo(1);

        server.serve(KEY_A);
        clock.advance(JwksKeySource.COLD_RETRY);
        assertThat(verifier.verify(fresh(minterA))).isNotNull();
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void unknownKidFloodRefetchesAtMostOncePerCooldown() {
        JwksServer server = jwks(KEY_A);
        ClerkIdentityVerifier verifier = verifier(server);
        verifier.verify(fresh(minterA));
        assertThat(server.requestCount()).isEqualTo(1);

        floodWithRandomKids(verifier, 100);
        assertThat(server.requestCount()).as("still inside the first window").isEqualTo(1);

        clock.advance(PAST_COOLDOWN);
        floodWithRandomKids(verifier, 100);
        assertThat(server.requestCount()).isEqualTo(2);

        clock.advance(ClerkConfig.DEFAULT_REFETCH_COOLDOWN.minusSeconds(2));
        floodWithRandomKids(verifier, 100);
        assertThat(server.requestCount()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(2));
        floodWithRandomKids(verifier, 100);
        assertThat(server.requestCount()).isEqualTo(3);
    }

    @Test
    void concurrentUnknownKidFloodSharesOneRefetch() throws Exception {
        JwksServer server = jwks(KEY_A);
        ClerkIdentityVerifier verifier = verifier(server);
        verifier.verify(fresh(minterA));
        clock.advance(PAST_COOLDOWN);
        server.slow(Duration.ofMillis(300));
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            tokens.add(minterA.token().kid("rnd_" + UUID.randomUUID()).sign());
        }

        ExecutorService pool = Executors.newFixedThreadPool(32);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<Throwable>> results = new ArrayList<>();
            for (String token : tokens) {
                Callable<Throwable> call = () -> {
                    start.await();
                    try {
                        verifier.verify(token);
                        return null;
                    } catch (RuntimeException e) {
                        return e;
                    }
                };
                results.add(pool.submit(call));
            }
            start.countDown();
            for (Future<Throwable> result : results) {
                assertThat(result.get())
                        .isInstanceOfSatisfying(
                                IdentityRejectedException.class,
                                e -> assertThat(e.reason()).isEqualTo(Reason.UNKNOWN_KEY));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void rotatedKeyIsPickedUpByTheUnknownKidRefetch() {
        JwksServer server = jwks(KEY_A);
        ClerkIdentityVerifier verifier = verifier(server);
        verifier.verify(fresh(minterA));

        server.rotate(KEY_B);
        assertRejected(() -> verifier.verify(fresh(minterB)), Reason.UNKNOWN_KEY); // inside the cooldown
        clock.advance(PAST_COOLDOWN);

        assertThat(verifier.verify(fresh(minterB))).isNotNull();
        assertRejected(() -> verifier.verify(fresh(minterA)), Reason.UNKNOWN_KEY); // A is no longer published
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void staleKeysAreRefreshedAndAWithdrawnKeyStopsBeingTrusted() {
        JwksServer server = jwks(KEY_A, KEY_B);
        ClerkIdentityVerifier verifier = verifier(server);
        verifier.verify(fresh(minterA));

        server.serve(KEY_B);
        clock.advance(JwksKeySource.MAX_KEY_AGE.plusSeconds(1));

        assertRejected(() -> verifier.verify(fresh(minterA)), Reason.UNKNOWN_KEY);
        assertThat(verifier.verify(fresh(minterB))).isNotNull();
        assertThat(server.requestCount()).isEqualTo(2);
    }

    @Test
    void staleKeysKeepWorkingWhenTheRefreshFails() {
        JwksServer server = jwks(KEY_A);
        ClerkIdentityVerifier verifier = verifier(server);
        verifier.verify(fresh(minterA));

        server.failWith(502);
        clock.advance(JwksKeySource.MAX_KEY_AGE.plusSeconds(1));

        assertThat(verifier.verify(fresh(minterA))).isNotNull();
        assertThat(verifier.verify(fresh(minterA))).isNotNull();
        assertThat(server.requestCount()).as("one refresh attempt per cooldown").isEqualTo(2);
    }

    @Test
    void weakKeyIsIgnoredAndLoggedOnce() {
        Logger logger = (Logger) LoggerFactory.getLogger(JwksKeySource.class);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        logger.addAppender(logs);
        try {
            JwksServer server = jwks(WEAK, KEY_A);
            ClerkIdentityVerifier verifier = verifier(server);
            TokenMinter weakMinter = new TokenMinter(WEAK, ISSUER, clock);

            assertThat(verifier.verify(fresh(minterA))).isNotNull();
            assertRejected(() -> verifier.verify(fresh(weakMinter)), Reason.UNKNOWN_KEY);
            clock.advance(PAST_COOLDOWN);
            assertRejected(() -> verifier.verify(fresh(weakMinter)), Reason.UNKNOWN_KEY);

            assertThat(server.requestCount()).isEqualTo(2);
            assertThat(logs.list)
                    .filteredOn(e -> e.getFormattedMessage().contains("ins_weak"))
                    .hasSize(1);
        } finally {
            logger.detachAppender(logs);
        }
    }

    @Test
    void tokenWithoutKidIsAcceptedOnlyWhenExactlyOneKeyIsPublished() {
        JwksServer single = jwks(KEY_A);
        JwksServer several = jwks(KEY_A, KEY_B);
        String kidless = minterA.token().kid(null).sign();

        assertThat(verifier(single).verify(kidless).userId().value()).isEqualTo(TokenMinter.DEFAULT_SUBJECT);
        ClerkIdentityVerifier ambiguous = verifier(several);
        ambiguous.preload();
        assertRejected(() -> ambiguous.verify(kidless), Reason.UNKNOWN_KEY);
    }

    @Test
    void pemModeNeverTouchesTheNetwork() {
        JwksServer counting = jwks(KEY_A);
        ClerkIdentityVerifier verifier = verifier(counting, b -> b.jwtKey(KEY_A.publicKeyPem()));

        verifier.preload();
        assertThat(verifier.verify(fresh(minterA))).isNotNull();
        assertThat(verifier.verify(minterA.token().kid("ins_rotated_elsewhere").sign()))
                .isNotNull();
        assertRejected(() -> verifier.verify(fresh(minterB)), Reason.BAD_SIGNATURE);

        assertThat(counting.requestCount()).isZero();
    }

    @Test
    void pemModeWorksWithTheJwksEndpointDown() {
        JwksServer down = jwks(KEY_A).down();
        ClerkIdentityVerifier verifier = verifier(down, b -> b.jwtKey(KEY_A.publicKeyPem()));

        assertThat(verifier.verify(fresh(minterA))).isNotNull();
    }

    @Test
    void hostileKidNeverReachesTheJwksEndpoint() {
        JwksServer server = jwks(KEY_A);
        ClerkIdentityVerifier verifier = verifier(server);
        verifier.verify(fresh(minterA));
        clock.advance(PAST_COOLDOWN);

        assertRejected(
                () -> verifier.verify(minterA.token()
                        .kid(null)
                        .withHeader("kid", "../../admin")
                        .sign()),
                Reason.MALFORMED);

        assertThat(server.requestCount()).isEqualTo(1);
    }

    private void floodWithRandomKids(ClerkIdentityVerifier verifier, int tokens) {
        for (int i = 0; i < tokens; i++) {
            String token = minterA.token().kid("rnd_" + UUID.randomUUID()).sign();
            assertRejected(() -> verifier.verify(token), Reason.UNKNOWN_KEY);
        }
    }
}
