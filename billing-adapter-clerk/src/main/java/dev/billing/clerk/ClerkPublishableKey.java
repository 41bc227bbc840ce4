package dev.billing.clerk;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A decoded Clerk publishable key. Clerk publishable keys are {@code pk_test_} or {@code pk_live_} followed by the
 * Base64 of {@code "<frontend-api-host>$"}; the host is the instance's Frontend API, which is both the session
 * token issuer ({@code https://<host>}) and where the signing keys are published
 * ({@code https://<host>/.well-known/jwks.json}).
 *
 * <p>Usage: {@code ClerkPublishableKey pk = ClerkPublishableKey.parse("pk_live_Y2xlcmsuZXhhbXBsZS5jb20k"); String iss = pk.issuer();}
 *
 * @param live        true for a {@code pk_live_} (production) key, false for {@code pk_test_} (development)
 * @param frontendApi the Frontend API host, e.g. {@code clerk.example.com} or {@code foo-bar-13.clerk.accounts.dev}
 */
public record ClerkPublishableKey(boolean live, String frontendApi) {
    private static final String LIVE_PREFIX = "pk_live_";
    private static final String TEST_PREFIX = "pk_test_";
    private static final Pattern HOST = Pattern.compile(
            "(?=.{4,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");

    public ClerkPublishableKey {
        Objects.requireNonNull(frontendApi, "frontendApi");
        if (!HOST.matcher(frontendApi).matches()) {
            throw new IllegalArgumentException("Clerk Frontend API host is not a valid DNS name");
        }
    }

    /**
     * Decodes a publishable key.
     *
     * @throws IllegalArgumentException when the value is not a Clerk publishable key; the message says why (and
     *                                  never repeats the value)
     */
    public static ClerkPublishableKey parse(String publishableKey) {
        if (publishableKey == null || publishableKey.isBlank()) {
            throw new IllegalArgumentException("Clerk publishable key is missing");
        }
        String key = publishableKey.strip();
        boolean live;
        if (key.startsWith(LIVE_PREFIX)) {
            live = true;
        } else if (key.startsWith(TEST_PREFIX)) {
            live = false;
        } else {
            throw new IllegalArgumentException(
                    "Clerk publishable key must start with pk_test_ or pk_live_ (is this a secret key or another vendor's key?)");
        }
        String encoded = key.substring(LIVE_PREFIX.length());
        if (encoded.isEmpty() || encoded.length() > 400) {
            throw new IllegalArgumentException("Clerk publishable key has no or an oversized encoded part");
        }
        String decoded = decode(encoded);
        if (!decoded.endsWith("$") || decoded.indexOf('$') != decoded.length() - 1) {
            throw new IllegalArgumentException("Clerk publishable key does not decode to '<frontend-api-host>$'");
        }
        String host = decoded.substring(0, decoded.length() - 1);
        if (!HOST.matcher(host).matches()) {
            throw new IllegalArgumentException("Clerk publishable key does not contain a valid Frontend API host name");
        }
        return new ClerkPublishableKey(live, host);
    }

    /** The session-token issuer: {@code https://<frontendApi>}. */
    public String issuer() {
        return "https://" + frontendApi;
    }

    /** Where the instance publishes its signing keys: {@code https://<frontendApi>/.well-known/jwks.json}. */
    public URI jwksUrl() {
        return URI.create(issuer() + "/.well-known/jwks.json");
    }

    private static String decode(String encoded) {
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException notStandard) {
            try {
                bytes = Base64.getUrlDecoder().decode(encoded);
            } catch (IllegalArgumentException notUrlSafe) {
                throw new IllegalArgumentException("Clerk publishable key's encoded part is not Base64");
            }
        }
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
