package dev.billing.clerk;

import java.net.InetAddress;
import java.net.URI;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Everything {@link ClerkIdentityVerifier} needs to know, validated on construction so that a bad deployment
 * fails at startup with an {@link IllegalArgumentException} that names the field and the problem.
 *
 * <p>A value the host builds in code: where the host keeps the values (environment variables, properties, a vault)
 * is the host's business, and reading them is its job (the standalone server reads {@code CLERK_*} variables, the
 * Spring starter {@code billing.clerk.*}); this adapter never reads the environment.
 *
 * <p>Usage: {@code ClerkConfig.builder().publishableKey("pk_live_...").authorizedParties(List.of("https://app.example.com")).build()}
 * or, networkless, {@code ClerkConfig.builder().issuer("https://clerk.example.com").jwtKey(pem).build()}.
 *
 * @param issuer            the exact {@code iss} every token must carry ({@code https://<frontend api>})
 * @param jwksUrl           where the signing keys are fetched from; null when {@code jwtKey} is set and no URL is known
 * @param jwtKey            the instance's PEM public key (Clerk's dashboard: API keys, JWT public key); when set,
 *                          verification is networkless and {@code jwksUrl} is never contacted
 * @param authorizedParties allowed {@code azp} origins; empty means {@code azp} is not checked
 * @param clockSkew         leeway for {@code exp}, {@code nbf} and {@code iat}, whole seconds, at most 5 minutes
 * @param refetchCooldown   minimum time between two JWKS fetches triggered by unknown key ids
 * @param connectTimeout    JWKS connect timeout
 * @param requestTimeout    JWKS whole-request timeout (connect included)
 * @param maxTokenChars     longer tokens are rejected before any decoding
 * @param cacheMaxEntries   verified-token cache size; 0 disables the cache
 * @param cacheMaxTtl       longest a verified token is remembered (never past its {@code exp}); zero disables the cache
 */
public record ClerkConfig(
        String issuer,
        URI jwksUrl,
        RSAPublicKey jwtKey,
        Set<String> authorizedParties,
        Duration clockSkew,
        Duration refetchCooldown,
        Duration connectTimeout,
        Duration requestTimeout,
        int maxTokenChars,
        long cacheMaxEntries,
        Duration cacheMaxTtl) {

    public static final Duration DEFAULT_CLOCK_SKEW = Duration.ofSeconds(5);
    public static final Duration DEFAULT_REFETCH_COOLDOWN = Duration.ofSeconds(30);
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(3);
    public static final int DEFAULT_MAX_TOKEN_CHARS = 8 * 1024;
    public static final long DEFAULT_CACHE_MAX_ENTRIES = 10_000;
    public static final Duration DEFAULT_CACHE_MAX_TTL = Duration.ofSeconds(60);

    public ClerkConfig {
        if (issuer == null || issuer.isBlank()) {
            throw new IllegalArgumentException("Clerk issuer is required (set it, or give a publishable key)");
        }
        if (!issuer.equals(issuer.strip()) || issuer.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("Clerk issuer must not contain whitespace or control characters");
        }
        if (jwksUrl == null && jwtKey == null) {
            throw new IllegalArgumentException(
                    "Clerk signing keys need a source: a JWKS URL (or a publishable key to derive it) or a PEM public key");
        }
        if (jwksUrl != null) {
            checkJwksUrl(jwksUrl);
        }
        if (jwtKey != null) {
            Pem.requireStrongEnough(jwtKey);
        }
        authorizedParties = normalizeParties(authorizedParties == null ? List.of() : authorizedParties);
        clockSkew = within(clockSkew, "clockSkew", Duration.ZERO, Duration.ofMinutes(5));
        if (clockSkew.getNano() != 0) {
            throw new IllegalArgumentException("clockSkew must be whole seconds");
        }
        refetchCooldown = within(refetchCooldown, "refetchCooldown", Duration.ZERO, Duration.ofHours(1));
        connectTimeout = within(connectTimeout, "connectTimeout", Duration.ofMillis(1), Duration.ofMinutes(1));
        requestTimeout = within(requestTimeout, "requestTimeout", Duration.ofMillis(1), Duration.ofMinutes(1));
        if (maxTokenChars < 512 || maxTokenChars > 1024 * 1024) {
            throw new IllegalArgumentException("maxTokenChars must be between 512 and 1 MiB, was " + maxTokenChars);
        }
        if (cacheMaxEntries < 0) {
            throw new IllegalArgumentException("cacheMaxEntries must not be negative");
        }
        cacheMaxTtl = within(cacheMaxTtl, "cacheMaxTtl", Duration.ZERO, Duration.ofMinutes(10));
    }

    /** True when tokens are verified with {@link #jwtKey()} only and the network is never used. */
    public boolean networkless() {
        return jwtKey != null;
    }

    /** True when verified tokens are remembered (see {@link #cacheMaxEntries()}, {@link #cacheMaxTtl()}). */
    public boolean cacheEnabled() {
        return cacheMaxEntries > 0 && !cacheMaxTtl.isZero();
    }

    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String toString() {
        return "ClerkConfig[issuer=" + issuer + ", jwksUrl=" + jwksUrl
                + ", jwtKey="
                + (jwtKey == null ? "none" : "RSA-" + jwtKey.getModulus().bitLength())
                + ", authorizedParties=" + authorizedParties + ", clockSkew=" + clockSkew
                + ", refetchCooldown=" + refetchCooldown + ", connectTimeout=" + connectTimeout
                + ", requestTimeout=" + requestTimeout + ", maxTokenChars=" + maxTokenChars
                + ", cacheMaxEntries=" + cacheMaxEntries + ", cacheMaxTtl=" + cacheMaxTtl + "]";
    }

    private static void checkJwksUrl(URI url) {
        if (!url.isAbsolute() || url.getHost() == null) {
            throw new IllegalArgumentException("JWKS URL must be an absolute http(s) URL");
        }
        String scheme = url.getScheme().toLowerCase(java.util.Locale.ROOT);
        if (scheme.equals("https")) {
            return;
        }
        if (scheme.equals("http") && isLoopback(url.getHost())) {
            return; // local development and tests only
        }
        throw new IllegalArgumentException("JWKS URL must use https (plain http is allowed for loopback hosts only)");
    }

    private static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (!bare.matches("[0-9.]+|[0-9A-Fa-f:]+")) {
            return false; // never resolve names here
        }
        try {
            return InetAddress.getByName(bare).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }

    private static Set<String> normalizeParties(Collection<String> parties) {
        Set<String> out = new LinkedHashSet<>();
        for (String party : parties) {
            if (party == null || party.isBlank()) {
                throw new IllegalArgumentException("authorized parties must not contain blank entries");
            }
            String p = party.strip();
            while (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1); // azp is an Origin: no path, no trailing slash
            }
            if (p.isEmpty() || p.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
                throw new IllegalArgumentException("authorized party is not an origin: it contains whitespace");
            }
            out.add(p);
        }
        return Set.copyOf(out);
    }

    private static Duration within(Duration value, String name, Duration min, Duration max) {
        Objects.requireNonNull(value, name);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(name + " must be between " + min + " and " + max + ", was " + value);
        }
        return value;
    }

    /** Builds a {@link ClerkConfig}; explicit issuer and JWKS URL win over those derived from a publishable key. */
    public static final class Builder {
        private ClerkPublishableKey publishableKey;
        private String issuer;
        private URI jwksUrl;
        private RSAPublicKey jwtKey;
        private Collection<String> authorizedParties = List.of();
        private Duration clockSkew = DEFAULT_CLOCK_SKEW;
        private Duration refetchCooldown = DEFAULT_REFETCH_COOLDOWN;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
        private int maxTokenChars = DEFAULT_MAX_TOKEN_CHARS;
        private long cacheMaxEntries = DEFAULT_CACHE_MAX_ENTRIES;
        private Duration cacheMaxTtl = DEFAULT_CACHE_MAX_TTL;

        private Builder() {}

        /** Derives issuer and JWKS URL from a {@code pk_test_...}/{@code pk_live_...} key. */
        public Builder publishableKey(String key) {
            this.publishableKey = ClerkPublishableKey.parse(key);
            return this;
        }

        public Builder issuer(String iss) {
            this.issuer = iss;
            return this;
        }

        public Builder jwksUrl(URI url) {
            this.jwksUrl = url;
            return this;
        }

        public Builder jwksUrl(String url) {
            try {
                return jwksUrl(URI.create(Objects.requireNonNull(url, "url")));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("JWKS URL is not a valid URI");
            }
        }

        /** The instance's PEM public key ({@code -----BEGIN PUBLIC KEY-----...}): networkless verification. */
        public Builder jwtKey(String pem) {
            this.jwtKey = Pem.parseRsaPublicKey(pem);
            return this;
        }

        public Builder jwtKey(RSAPublicKey key) {
            this.jwtKey = key;
            return this;
        }

        public Builder authorizedParties(Collection<String> origins) {
            this.authorizedParties = new ArrayList<>(Objects.requireNonNull(origins, "origins"));
            return this;
        }

        public Builder clockSkew(Duration skew) {
            this.clockSkew = skew;
            return this;
        }

        public Builder refetchCooldown(Duration cooldown) {
            this.refetchCooldown = cooldown;
            return this;
        }

        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = timeout;
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = timeout;
            return this;
        }

        public Builder maxTokenChars(int max) {
            this.maxTokenChars = max;
            return this;
        }

        public Builder cacheMaxEntries(long max) {
            this.cacheMaxEntries = max;
            return this;
        }

        public Builder cacheMaxTtl(Duration ttl) {
            this.cacheMaxTtl = ttl;
            return this;
        }

        /** Turns the verified-token cache off (every call verifies the signature). */
        public Builder withoutCache() {
            this.cacheMaxEntries = 0;
            return this;
        }

        public ClerkConfig build() {
            String iss = issuer != null ? issuer : publishableKey != null ? publishableKey.issuer() : null;
            URI url = jwksUrl != null ? jwksUrl : publishableKey != null ? publishableKey.jwksUrl() : null;
            return new ClerkConfig(
                    iss,
                    url,
                    jwtKey,
                    new LinkedHashSet<>(authorizedParties),
                    clockSkew,
                    refetchCooldown,
                    connectTimeout,
                    requestTimeout,
                    maxTokenChars,
                    cacheMaxEntries,
                    cacheMaxTtl);
        }
    }
}
