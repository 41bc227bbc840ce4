package dev.billing.clerk;

import dev.billing.core.error.IdentityRejectedException.Reason;
import dev.billing.core.error.IdentityUnavailableException;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Keys from Clerk's JWKS endpoint, cached by {@code kid}.
 *
 * <ul>
 *   <li>Known kids are answered from an immutable snapshot with no locking and no I/O.</li>
 *   <li>An unknown kid triggers a refetch, at most one per {@code refetchCooldown}; concurrent callers share it
 *       (single flight) and a flood of random kids costs one request per window.</li>
 *   <li>A fetch that fails keeps the previous snapshot: known kids keep verifying while the endpoint is down.</li>
 *   <li>With no key ever loaded (cold), a failure is {@link IdentityUnavailableException}; a new attempt is made at
 *       most every {@link #COLD_RETRY} (capped by the cooldown), and in between callers fail fast.</li>
 *   <li>A snapshot older than {@link #MAX_KEY_AGE} is refreshed by the next caller that finds the lock free (the
 *       others keep using it), so a key Clerk stops publishing stops being trusted.</li>
 * </ul>
 *
 * <p>Logs only key-source events (fetches, failures, skipped keys); never tokens or claims.
 */
final class JwksKeySource implements KeySource {
    static final Duration COLD_RETRY = Duration.ofSeconds(2);
    static final Duration MAX_KEY_AGE = Duration.ofHours(1);
    static final int MAX_BODY_BYTES = 256 * 1024;

    private static final System.Logger LOG = System.getLogger(JwksKeySource.class.getName());

    private final URI url;
    private final HttpClient http;
    private final Duration requestTimeout;
    private final Duration cooldown;
    private final Duration coldRetry;
    private final Clock clock;
    private final ReentrantLock fetchLock = new ReentrantLock();
    private final Set<String> warnedWeak = ConcurrentHashMap.newKeySet();

    private volatile KeySet keys = KeySet.EMPTY;
    /** Guarded by fetchLock; read only under it. */
    private Instant lastAttempt;
    /** Why the last fetch failed; null after a success. */
    private volatile Exception lastFailure;

    JwksKeySource(URI url, Duration connectTimeout, Duration requestTimeout, Duration cooldown, Clock clock) {
        this.url = Objects.requireNonNull(url, "url");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.cooldown = Objects.requireNonNull(cooldown, "cooldown");
        this.coldRetry = cooldown.compareTo(COLD_RETRY) < 0 ? cooldown : COLD_RETRY;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.http = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public RSAPublicKey resolve(String kid) {
        KeySet current = keys;
        RSAPublicKey key = current.find(kid);
        if (key != null) {
            return isStale(current) ? refreshStale(kid, key) : key;
        }
        if (kid == null && current.all().size() > 1) {
            throw TokenShape.reject(Reason.UNKNOWN_KEY, "token has no kid and several signing keys are published");
        }
        KeySet after = refetch(current);
        key = after.find(kid);
        if (key != null) {
            return key;
        }
        if (after.isEmpty()) {
            throw unavailable();
        }
        throw TokenShape.reject(Reason.UNKNOWN_KEY, "token kid matches no published signing key");
    }

    @Override
    public void preload() {
        KeySet current = keys;
        if (!current.isEmpty()) {
            return;
        }
        if (refetch(current).isEmpty()) {
            throw unavailable();
        }
    }

    /** The keys currently cached (for tests). */
    KeySet snapshot() {
        return keys;
    }

    private IdentityUnavailableException unavailable() {
        return new IdentityUnavailableException(
                "Clerk signing keys are unavailable: the JWKS endpoint could not be " + "read and no key is cached",
                lastFailure);
    }

    private boolean isStale(KeySet current) {
        return current.loadedAt() != null
                && clock.instant().isAfter(current.loadedAt().plus(MAX_KEY_AGE));
    }

    /** Stale but known: refresh if nobody else is; whoever finds the lock taken keeps using the old key. */
    private RSAPublicKey refreshStale(String kid, RSAPublicKey staleKey) {
        if (!fetchLock.tryLock()) {
            return staleKey;
        }
        try {
            KeySet current = keys;
            if (!isStale(current)) {
                return found(current, kid);
            }
            return found(fetchWithinWindow(current, cooldown), kid);
        } finally {
            fetchLock.unlock();
        }
    }

    private static RSAPublicKey found(KeySet set, String kid) {
        RSAPublicKey key = set.find(kid);
        if (key == null) {
            throw TokenShape.reject(Reason.UNKNOWN_KEY, "token kid is no longer published");
        }
        return key;
    }

    /**
     * Single flight: the first caller fetches (if the window allows), callers queued behind it reuse its result.
     *
     * @param seen the snapshot the caller already looked in
     */
    private KeySet refetch(KeySet seen) {
        fetchLock.lock();
        try {
            KeySet current = keys;
            if (current != seen) {
                return current; // someone refreshed while we waited
            }
            return fetchWithinWindow(current, current.isEmpty() ? coldRetry : cooldown);
        } finally {
            fetchLock.unlock();
        }
    }

    /** Must hold fetchLock. Fetches unless the last attempt was less than {@code window} ago. */
    private KeySet fetchWithinWindow(KeySet current, Duration window) {
        Instant now = clock.instant();
        if (lastAttempt != null && now.isBefore(lastAttempt.plus(window))) {
            return current;
        }
        lastAttempt = now;
        try {
            KeySet fetched = fetch(now);
            keys = fetched;
            lastFailure = null;
            return fetched;
        } catch (RuntimeException e) { // JwksFetchException, or anything unexpected: never let it become a 401
            lastFailure = e;
            if (current.isEmpty()) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "Clerk JWKS fetch from {0} failed and no signing key is cached: {1}",
                        url,
                        e.getMessage());
            } else {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "Clerk JWKS fetch from {0} failed, keeping {1} cached signing key(s): {2}",
                        url,
                        current.all().size(),
                        e.getMessage());
            }
            return current;
        }
    }

    private KeySet fetch(Instant now) {
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(requestTimeout)
                .header("Accept", "application/json")
                .GET()
                .build();
        CompletableFuture<HttpResponse<byte[]>> future =
                http.sendAsync(request, info -> new LimitedBody(info.statusCode()));
        HttpResponse<byte[]> response;
        try {
            // the request timeout stops waiting for headers; this bounds the body too
            response = future.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new JwksFetchException("interrupted", e);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new JwksFetchException("no complete answer within " + requestTimeout, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new JwksFetchException(
                    cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage()),
                    cause);
        }
        if (response.statusCode() != 200) {
            throw new JwksFetchException("HTTP " + response.statusCode(), null);
        }
        JwksDocument.Parsed parsed;
        try {
            parsed = JwksDocument.parse(response.body(), now);
        } catch (IllegalArgumentException e) {
            throw new JwksFetchException(e.getMessage(), null);
        }
        for (String weak : parsed.weak()) {
            if (warnedWeak.add(weak)) {
                LOG.log(
                        System.Logger.Level.WARNING,
                        "Ignoring Clerk JWKS key {0}: RSA modulus below {1} bits",
                        weak,
                        Pem.MIN_RSA_BITS);
            }
        }
        KeySet fetched = parsed.keys();
        if (fetched.isEmpty()) {
            throw new JwksFetchException(
                    "no usable RS256 key in the key set (" + parsed.weak().size() + " weak, " + parsed.skipped()
                            + " skipped)",
                    null);
        }
        List<String> kids = List.copyOf(fetched.byKid().keySet());
        LOG.log(
                System.Logger.Level.INFO,
                "Loaded {0} Clerk signing key(s) from {1}: kids {2}{3}",
                fetched.all().size(),
                url,
                kids,
                parsed.skipped() > 0 ? " (" + parsed.skipped() + " other entries skipped)" : "");
        return fetched;
    }

    /** A failed JWKS fetch; never escapes this class except as the cause of IdentityUnavailableException. */
    static final class JwksFetchException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        JwksFetchException(String message, Throwable cause) {
            super(message, cause, false, false);
        }
    }

    /**
     * Collects a response body up to {@link #MAX_BODY_BYTES}; discards non-200 bodies. An oversized body fails the
     * fetch instead of filling memory.
     */
    static final class LimitedBody implements HttpResponse.BodySubscriber<byte[]> {
        private final CompletableFuture<byte[]> result = new CompletableFuture<>();
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final boolean keep;
        private Flow.Subscription subscription;

        LimitedBody(int status) {
            this.keep = status == 200;
        }

        @Override
        public CompletionStage<byte[]> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            this.subscription = s;
            s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            if (!keep || result.isDone()) {
                return;
            }
            for (ByteBuffer buffer : buffers) {
                if (out.size() + buffer.remaining() > MAX_BODY_BYTES) {
                    result.completeExceptionally(
                            new JwksFetchException("body larger than " + MAX_BODY_BYTES + " bytes", null));
                    subscription.cancel();
                    return;
                }
                byte[] chunk = new byte[buffer.remaining()];
                buffer.get(chunk);
                out.write(chunk, 0, chunk.length);
            }
        }

        @Override
        public void onError(Throwable throwable) {
            result.completeExceptionally(throwable);
        }

        @Override
        public void onComplete() {
            result.complete(out.toByteArray());
        }
    }
}
