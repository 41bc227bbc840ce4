package dev.billing.supabase;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the Supabase project is and how to call it. The key must be the project's {@code service_role} key (the
 * billing tables are closed to every other role); {@link #toString()} never shows it.
 *
 * <p>A value the host builds in code: reading it from the environment or properties is the host's job (the server
 * reads {@code SUPABASE_URL} and {@code SUPABASE_SERVICE_ROLE_KEY}, the Spring starter
 * {@code billing.store.supabase.*}). Validated on construction: every {@link IllegalArgumentException}'s message
 * starts with the name of the field at fault ({@code url ...}, {@code serviceRoleKey ...}) and never shows the key.
 *
 * <p>Usage: {@code SupabaseConfig config = SupabaseConfig.of("https://abcd.supabase.co", serviceRoleKey)
 * .withRequestTimeout(Duration.ofSeconds(5));}
 *
 * @param url            the project URL, e.g. {@code https://abcd.supabase.co} (a trailing {@code /rest/v1} is
 *                       accepted and dropped); http or https, no user info, no query
 * @param serviceRoleKey the {@code service_role} API key (a JWT whose role is {@code service_role}, or a
 *                       {@code sb_secret_...} secret key)
 * @param connectTimeout how long to wait for a connection (default 3 s)
 * @param requestTimeout how long to wait for an answer (default 10 s)
 * @param maxAttempts    attempts for idempotent calls when Supabase cannot be reached (default 3; 1 = no retry)
 */
public record SupabaseConfig(
        URI url, String serviceRoleKey, Duration connectTimeout, Duration requestTimeout, int maxAttempts) {
    /** Default connect timeout. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(3);
    /** Default request timeout. */
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** Default attempts for idempotent calls. */
    public static final int DEFAULT_MAX_ATTEMPTS = 3;

    private static final Pattern JWT_ROLE = Pattern.compile("\"role\"\\s*:\\s*\"([^\"]*)\"");

    public SupabaseConfig {
        Objects.requireNonNull(url, "url");
        url = normalise(url);
        if (serviceRoleKey == null || serviceRoleKey.isBlank()) {
            throw new IllegalArgumentException("serviceRoleKey is missing: the project's service_role key");
        }
        serviceRoleKey = serviceRoleKey.strip();
        checkRole(serviceRoleKey);
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(requestTimeout, "requestTimeout");
        if (maxAttempts < 1 || maxAttempts > 10) {
            throw new IllegalArgumentException("maxAttempts must be between 1 and 10, was " + maxAttempts);
        }
    }

    /** The project URL and service-role key with default timeouts and retries. */
    public static SupabaseConfig of(String url, String serviceRoleKey) {
        if (url == null || url.isBlank()) {
            throw new IllegalArgumentException("url is missing: the project URL, https://<project>.supabase.co");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("url is not a URL: " + e.getReason());
        }
        return new SupabaseConfig(
                uri, serviceRoleKey, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT, DEFAULT_MAX_ATTEMPTS);
    }

    public SupabaseConfig withConnectTimeout(Duration timeout) {
        return new SupabaseConfig(url, serviceRoleKey, timeout, requestTimeout, maxAttempts);
    }

    public SupabaseConfig withRequestTimeout(Duration timeout) {
        return new SupabaseConfig(url, serviceRoleKey, connectTimeout, timeout, maxAttempts);
    }

    public SupabaseConfig withMaxAttempts(int attempts) {
        return new SupabaseConfig(url, serviceRoleKey, connectTimeout, requestTimeout, attempts);
    }

    /** {@code url + "/rest/v1"}. */
    public URI restUrl() {
        return URI.create(url + "/rest/v1");
    }

    /** The key is masked: only its length shows. */
    @Override
    public String toString() {
        return "SupabaseConfig[url=" + url + ", serviceRoleKey=<" + serviceRoleKey.length() + " chars, hidden>"
                + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout + ", maxAttempts="
                + maxAttempts + "]";
    }

    private static URI normalise(URI url) {
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IllegalArgumentException("url must be an http(s) URL such as https://<project>.supabase.co");
        }
        if (url.getRawUserInfo() != null) {
            throw new IllegalArgumentException("url must not contain user info (credentials go in the key)");
        }
        if (url.getHost() == null || url.getHost().isBlank()) {
            throw new IllegalArgumentException("url has no host");
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException("url must not have a query or a fragment");
        }
        String path = url.getRawPath() == null ? "" : url.getRawPath();
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.endsWith("/rest/v1")) {
            path = path.substring(0, path.length() - "/rest/v1".length());
        }
        return URI.create(scheme + "://" + url.getRawAuthority() + path);
    }

    /** A JWT key says its role: refuse the anon key (and any other role) early, with a clear message. */
    private static void checkRole(String key) {
        String[] parts = key.split("\\.");
        if (parts.length != 3) {
            return; // an opaque secret key (sb_secret_...): the server decides
        }
        String claims;
        try {
            claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException notBase64) {
            return;
        }
        Matcher role = JWT_ROLE.matcher(claims);
        if (role.find() && !role.group(1).equals("service_role")) {
            throw new IllegalArgumentException("serviceRoleKey holds a key with role '" + role.group(1)
                    + "': use the project's service_role key (Project Settings > API)");
        }
    }

    private static void requirePositive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
