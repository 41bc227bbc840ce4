package dev.billing.admin;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Dashboard sessions: the cookie carries its expiry and a random id, signed with a key derived from the admin token,
 * so every instance behind a load balancer accepts it and rotating the token signs everyone out. Signing out revokes
 * the session id in this process until the cookie would have expired, so a copy of the cookie stops working here;
 * other instances keep no such list (docs/ADMIN.md says what that means). The CSRF token is a second signature over
 * the session id: a page holds it, a cross-site form cannot.
 */
final class AdminSessions {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    private final byte[] tokenDigest;
    private final byte[] key;
    private final Duration lifetime;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    /** Signed-out session ids and when their cookies expire: only a signed-in admin adds one, at most one a form. */
    private final ConcurrentHashMap<String, Instant> revoked = new ConcurrentHashMap<>();

    /** A signed-in session: its id and when it ends. */
    record Session(String id, Instant expires) {}

    AdminSessions(String adminToken, Duration lifetime, Clock clock) {
        this.tokenDigest = sha256(adminToken.getBytes(StandardCharsets.UTF_8));
        this.key = hmac(tokenDigest, "billing-admin-session-v1".getBytes(StandardCharsets.US_ASCII));
        this.lifetime = lifetime;
        this.clock = clock;
    }

    /** True when {@code candidate} is the admin token (compared in constant time). */
    boolean isAdminToken(String candidate) {
        return candidate != null
                && MessageDigest.isEqual(tokenDigest, sha256(candidate.strip().getBytes(StandardCharsets.UTF_8)));
    }

    /** A new session's cookie value. */
    String open() {
        byte[] id = new byte[18];
        random.nextBytes(id);
        long expires = clock.instant().plus(lifetime).getEpochSecond();
        String body = B64.encodeToString(id) + "." + expires;
        return body + "." + sign("session." + body);
    }

    /** The session the cookie value names, if its signature holds and it has not expired. */
    Optional<Session> verify(String cookie) {
        if (cookie == null || cookie.length() > 200) {
            return Optional.empty();
        }
        int last = cookie.lastIndexOf('.');
        int first = cookie.indexOf('.');
        if (first <= 0 || last <= first) {
            return Optional.empty();
        }
        String body = cookie.substring(0, last);
        if (!constantEquals(sign("session." + body), cookie.substring(last + 1))) {
            return Optional.empty();
        }
        long expires;
        try {
            expires = Long.parseLong(body.substring(first + 1));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        Instant end = Instant.ofEpochSecond(expires);
        String id = body.substring(0, first);
        return clock.instant().isBefore(end) && !revoked.containsKey(id)
                ? Optional.of(new Session(id, end))
                : Optional.empty();
    }

    /** Signs the session out: its cookie, or any copy of it, is no session in this process from now on. */
    void revoke(Session session) {
        Instant now = clock.instant();
        // An expired cookie fails verify on its own: its entry is no longer needed.
        revoked.values().removeIf(end -> !now.isBefore(end));
        revoked.put(session.id(), session.expires());
    }

    /** How many revoked sessions this process remembers (for tests). */
    int revokedCount() {
        return revoked.size();
    }

    /** The CSRF token of a session: what every form of its pages posts back. */
    String csrfToken(Session session) {
        return sign("csrf." + session.id());
    }

    boolean csrfMatches(Session session, String posted) {
        return posted != null && constantEquals(csrfToken(session), posted);
    }

    Duration lifetime() {
        return lifetime;
    }

    private String sign(String text) {
        return B64.encodeToString(hmac(key, text.getBytes(StandardCharsets.UTF_8)));
    }

    private static boolean constantEquals(String a, String b) {
        byte[] x;
        byte[] y;
        try {
            x = B64D.decode(a);
            y = B64D.decode(b);
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(x, y);
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
