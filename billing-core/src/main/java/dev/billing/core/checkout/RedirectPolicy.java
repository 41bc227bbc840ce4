package dev.billing.core.checkout;

import dev.billing.core.error.InvalidRequestException;
import java.net.IDN;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Checks redirect URLs (Checkout success/cancel, portal return) against the allowed origins: after normalization
 * the URL's scheme, host and port must equal one allowed origin exactly. Rejects relative and scheme-relative
 * URLs ({@code //evil}), user info ({@code user@host}), non-http(s) schemes ({@code javascript:}), lookalike hosts
 * and, when {@code requireHttps}, plain http. Stripe's {@code {CHECKOUT_SESSION_ID}} placeholder is allowed.
 *
 * <p>Usage: {@code String url = RedirectPolicy.of(List.of("https://app.example.com"), true).check(raw, "successUrl");}
 */
public final class RedirectPolicy {
    private static final String PLACEHOLDER = "{CHECKOUT_SESSION_ID}";
    private static final int MAX_LENGTH = 2048;

    private final Set<String> allowedOrigins;
    private final boolean requireHttps;

    private RedirectPolicy(Set<String> allowedOrigins, boolean requireHttps) {
        this.allowedOrigins = allowedOrigins;
        this.requireHttps = requireHttps;
    }

    /**
     * @throws IllegalArgumentException naming every origin that is not a plain {@code scheme://host[:port]}
     */
    public static RedirectPolicy of(List<String> origins, boolean requireHttps) {
        Set<String> normalized = new LinkedHashSet<>();
        for (String origin : origins) {
            String canonical = canonicalOrigin(origin);
            if (canonical == null) {
                throw new IllegalArgumentException("not an origin (scheme://host[:port], no path): " + origin);
            }
            if (requireHttps && canonical.startsWith("http:") && !isLoopback(canonical)) {
                throw new IllegalArgumentException("origin must use https: " + origin);
            }
            normalized.add(canonical);
        }
        return new RedirectPolicy(Set.copyOf(normalized), requireHttps);
    }

    public Set<String> allowedOrigins() {
        return allowedOrigins;
    }

    /**
     * @return the URL unchanged when allowed
     * @throws InvalidRequestException {@code invalid_redirect_url} naming the field otherwise
     */
    public String check(String url, String field) {
        if (url == null || url.isBlank()) {
            throw invalid(field, "is required");
        }
        if (url.length() > MAX_LENGTH) {
            throw invalid(field, "is too long");
        }
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            if (c <= ' ' || c == '\\' || c == 0x7f) {
                throw invalid(field, "contains whitespace, control characters or backslashes");
            }
        }
        URI uri;
        try {
            uri = new URI(url.replace(PLACEHOLDER, "CHECKOUT_SESSION_ID"));
        } catch (URISyntaxException e) {
            throw invalid(field, "is not a valid URL");
        }
        if (!uri.isAbsolute() || uri.isOpaque()) {
            throw invalid(field, "must be an absolute http(s) URL");
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw invalid(field, "must use http or https");
        }
        if (uri.getRawUserInfo() != null) {
            throw invalid(field, "must not contain user information");
        }
        if (uri.getHost() == null) {
            throw invalid(field, "must name a host");
        }
        if (uri.getHost().endsWith(".")) {
            // The same DNS name, but another origin to a browser: the app's cookies and storage are not there.
            throw invalid(
                    field, "must not end its host with a dot (browsers treat " + uri.getHost() + " as another origin)");
        }
        String origin = canonical(scheme, uri.getHost(), uri.getPort());
        if (origin == null || !allowedOrigins.contains(origin)) {
            throw invalid(field, "must start with one of the allowed origins");
        }
        if (requireHttps && scheme.equals("http") && !isLoopback(origin)) {
            throw invalid(field, "must use https");
        }
        return url;
    }

    private static InvalidRequestException invalid(String field, String problem) {
        return new InvalidRequestException("invalid_redirect_url", field, field + " " + problem + ".");
    }

    private static String canonicalOrigin(String origin) {
        if (origin == null) {
            return null;
        }
        try {
            URI uri = new URI(origin.trim());
            if (!uri.isAbsolute()
                    || uri.getHost() == null
                    || uri.getRawUserInfo() != null
                    || (uri.getRawPath() != null
                            && !uri.getRawPath().isEmpty()
                            && !uri.getRawPath().equals("/"))
                    || uri.getRawQuery() != null
                    || uri.getRawFragment() != null) {
                return null;
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                return null;
            }
            return canonical(scheme, uri.getHost(), uri.getPort());
        } catch (URISyntaxException e) {
            return null;
        }
    }

    private static String canonical(String scheme, String host, int port) {
        String ascii;
        try {
            ascii = IDN.toASCII(host, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (ascii.isEmpty() || ascii.endsWith(".")) {
            return null;
        }
        int effectivePort = port != -1 ? port : (scheme.equals("https") ? 443 : 80);
        return scheme + "://" + ascii + ":" + effectivePort;
    }

    private static boolean isLoopback(String canonicalOrigin) {
        return canonicalOrigin.contains("://localhost:") || canonicalOrigin.contains("://127.0.0.1:");
    }
}
