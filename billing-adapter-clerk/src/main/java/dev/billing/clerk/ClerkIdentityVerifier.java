package dev.billing.clerk;

import com.github.benmanes.caffeine.cache.stats.CacheStats;
import dev.billing.core.error.BillingException;
import dev.billing.core.error.IdentityRejectedException;
import dev.billing.core.error.IdentityRejectedException.Reason;
import dev.billing.core.model.Identity;
import dev.billing.core.port.IdentityVerifier;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.Header;
import io.jsonwebtoken.JwsHeader;
import io.jsonwebtoken.JwtParser;
import io.jsonwebtoken.Jwts;
import io.jsonwebtoken.Locator;
import io.jsonwebtoken.PrematureJwtException;
import java.security.Key;
import java.time.Clock;
import java.util.Date;
import java.util.Objects;

/**
 * Verifies Clerk session tokens (RS256 JWTs) and turns them into {@link Identity} values.
 *
 * <p>Usage: {@code IdentityVerifier verifier = ClerkIdentityVerifier.create(ClerkConfig.builder()
 * .publishableKey("pk_live_...").build()); Identity who = verifier.verify(bearerToken);}
 *
 * <p>A token is accepted only if all of these hold (see {@code docs/AUTHENTICATION.md}):
 * <ol>
 *   <li>it is present and at most {@link ClerkConfig#maxTokenChars()} long (checked before any decoding);</li>
 *   <li>it is a three-part compact JWS whose header has {@code alg=RS256}, no {@code crit}, no {@code zip}, and
 *       a well-formed {@code kid} (or none when exactly one key is known);</li>
 *   <li>the signature verifies with a published (or configured PEM) RSA key of at least 2048 bits;</li>
 *   <li>{@code exp} and {@code iat} are present, {@code exp}/{@code nbf}/{@code iat} are JSON numbers and hold within
 *       the clock skew;</li>
 *   <li>{@code iss} equals the configured issuer; {@code azp} is allowed when authorized parties are configured;</li>
 *   <li>{@code sub} and {@code sid} are present.</li>
 * </ol>
 * An otherwise valid token whose {@code sts} claim is {@code pending} is rejected with
 * {@link Reason#SESSION_PENDING}. Every failure is an {@link IdentityRejectedException} (with its reason) or, when
 * keys cannot be obtained, an {@link dev.billing.core.error.IdentityUnavailableException}; no other exception
 * escapes, and no message contains the token or its claims.
 *
 * <p>Thread-safe. Successful verifications are remembered by token hash for at most
 * {@link ClerkConfig#cacheMaxTtl()} and never past the token's {@code exp}.
 */
public final class ClerkIdentityVerifier implements IdentityVerifier {
    private final ClerkConfig config;
    private final Clock clock;
    private final KeySource keys;
    private final JwtParser parser;
    private final ClerkClaims claimRules;
    private final VerifiedTokenCache cache;

    private ClerkIdentityVerifier(ClerkConfig config, Clock clock) {
        this.config = Objects.requireNonNull(config, "config");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.keys = config.networkless()
                ? new PemKeySource(config.jwtKey())
                : new JwksKeySource(
                        config.jwksUrl(),
                        config.connectTimeout(),
                        config.requestTimeout(),
                        config.refetchCooldown(),
                        clock);
        long skewSeconds = config.clockSkew().toSeconds();
        Locator<Key> locator = this::locateKey;
        this.parser = Jwts.parser()
                .keyLocator(locator)
                .clock(() -> new Date(clock.millis()))
                .clockSkewSeconds(skewSeconds)
                .sig()
                .clear()
                .add(Jwts.SIG.RS256)
                .and()
                .zip()
                .clear()
                .and()
                .build();
        this.claimRules = new ClerkClaims(config.issuer(), config.authorizedParties(), skewSeconds * 1000);
        this.cache = config.cacheEnabled()
                ? new VerifiedTokenCache(config.cacheMaxEntries(), config.cacheMaxTtl(), skewSeconds * 1000, clock)
                : null;
    }

    /** A verifier on the system UTC clock. */
    public static ClerkIdentityVerifier create(ClerkConfig config) {
        return create(config, Clock.systemUTC());
    }

    /** A verifier whose every time check ({@code exp}, {@code nbf}, {@code iat}, cache, JWKS cooldown) uses {@code clock}. */
    public static ClerkIdentityVerifier create(ClerkConfig config, Clock clock) {
        return new ClerkIdentityVerifier(config, clock);
    }

    public ClerkConfig config() {
        return config;
    }

    /**
     * Loads the signing keys now (JWKS mode) so the first request does not wait for them; a no-op with a PEM key.
     * Optional: keys are otherwise fetched on first use.
     *
     * @throws dev.billing.core.error.IdentityUnavailableException when the JWKS endpoint cannot be read
     */
    public void preload() {
        keys.preload();
    }

    @Override
    public Identity verify(String token) {
        TokenShape.checkPresentAndSize(token, config.maxTokenChars());
        TokenHash hash = null;
        if (cache != null) {
            hash = TokenHash.of(token);
            Identity cached = cache.get(hash);
            if (cached != null) {
                return cached;
            }
        }
        TokenShape.inspect(token, config.maxTokenChars());
        Claims claims = parse(token);
        TokenShape.checkTimeClaims(token);
        Identity identity;
        try {
            identity = claimRules.check(claims, clock.millis());
        } catch (BillingException e) {
            throw e;
        } catch (RuntimeException e) { // e.g. Identity's own validation
            throw new IdentityRejectedException(Reason.MALFORMED, "token claims do not form a valid identity");
        }
        if (cache != null) {
            cache.put(hash, identity, claims.getExpiration().getTime());
        }
        return identity;
    }

    /** Cache statistics, for tests and diagnostics; null when the cache is disabled. */
    CacheStats cacheStats() {
        return cache == null ? null : cache.stats();
    }

    private Claims parse(String token) {
        try {
            return parser.parseSignedClaims(token).getPayload();
        } catch (BillingException e) {
            throw e; // our own rejections / unavailability, thrown from the key locator
        } catch (ExpiredJwtException e) {
            throw TokenShape.reject(Reason.EXPIRED, "token expired");
        } catch (PrematureJwtException e) {
            throw TokenShape.reject(Reason.NOT_YET_VALID, "token not valid yet (nbf)");
        } catch (io.jsonwebtoken.security.SecurityException e) { // SignatureException and key problems
            throw TokenShape.reject(Reason.BAD_SIGNATURE, "token signature does not verify");
        } catch (RuntimeException e) { // any other JwtException, or a jjwt/Jackson runtime failure on hostile input
            throw TokenShape.reject(Reason.MALFORMED, "token could not be parsed");
        }
    }

    /** jjwt's key locator; runs after jjwt parsed the header and before it verifies the signature. */
    private Key locateKey(Header header) {
        if (!(header instanceof JwsHeader jws)) {
            throw TokenShape.reject(Reason.MALFORMED, "token is not a JWS");
        }
        if (!TokenShape.RS256.equals(jws.getAlgorithm())) { // TokenShape already checked; defence in depth
            throw TokenShape.reject(Reason.UNSUPPORTED_ALGORITHM, "only RS256 tokens are accepted");
        }
        String kid = jws.getKeyId();
        if (kid != null && !TokenShape.isValidKid(kid)) {
            throw TokenShape.reject(Reason.MALFORMED, "token kid is malformed");
        }
        return keys.resolve(kid);
    }
}
