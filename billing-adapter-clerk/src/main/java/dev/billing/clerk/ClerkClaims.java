package dev.billing.clerk;

import dev.billing.core.error.IdentityRejectedException.Reason;
import dev.billing.core.model.Identity;
import dev.billing.core.model.UserId;
import io.jsonwebtoken.Claims;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Clerk-specific claim rules applied after jjwt verified the signature, {@code exp} and {@code nbf}, and the
 * mapping of a session token onto an {@link Identity}.
 *
 * <p>Rules, in order: {@code exp} and {@code iat} present; {@code iat} not after now + skew; {@code iss} exactly
 * the configured issuer; {@code azp} present and allowed when authorized parties are configured; {@code sub} and
 * {@code sid} present; finally {@code sts = "pending"} is SESSION_PENDING (the token is otherwise valid).
 */
final class ClerkClaims {
    /** Claims that become {@link Identity} fields and are therefore not repeated in {@link Identity#claims()}. */
    private static final Set<String> EXTRACTED =
            Set.of("sub", "sid", "email", "primary_email", "org_id", "org_role", "org_permissions");

    private static final int MAX_ID_CHARS = 255;

    private final String issuer;
    private final Set<String> authorizedParties;
    private final long skewMillis;

    ClerkClaims(String issuer, Set<String> authorizedParties, long skewMillis) {
        this.issuer = issuer;
        this.authorizedParties = authorizedParties;
        this.skewMillis = skewMillis;
    }

    /**
     * @return the identity, and the token's {@code exp} via {@link Claims#getExpiration()}
     * @throws dev.billing.core.error.IdentityRejectedException on the first rule that fails
     */
    Identity check(Claims claims, long nowMillis) {
        Date exp = claims.getExpiration();
        if (exp == null) {
            throw TokenShape.reject(Reason.MISSING_CLAIM, "token has no exp");
        }
        Date iat = claims.getIssuedAt();
        if (iat == null) {
            throw TokenShape.reject(Reason.MISSING_CLAIM, "token has no iat");
        }
        if (iat.getTime() > nowMillis + skewMillis) {
            throw TokenShape.reject(Reason.ISSUED_IN_FUTURE, "token iat is in the future");
        }
        if (!issuer.equals(claims.getIssuer())) {
            throw TokenShape.reject(
                    Reason.WRONG_ISSUER,
                    claims.getIssuer() == null ? "token has no iss" : "token iss is not the configured Clerk issuer");
        }
        if (!authorizedParties.isEmpty()) {
            Object azp = claims.get("azp");
            if (!(azp instanceof String party) || !authorizedParties.contains(party)) {
                throw TokenShape.reject(
                        Reason.UNAUTHORIZED_PARTY,
                        azp == null ? "token has no azp" : "token azp is not an authorized party");
            }
        }
        String sub = claims.getSubject();
        if (sub == null || sub.isBlank()) {
            throw TokenShape.reject(Reason.MISSING_CLAIM, "token has no sub");
        }
        if (!isId(sub)) {
            throw TokenShape.reject(Reason.MALFORMED, "token sub is not a valid user id");
        }
        Object sid = claims.get("sid");
        if (sid == null || (sid instanceof String s && s.isBlank())) {
            throw TokenShape.reject(Reason.MISSING_CLAIM, "token has no sid");
        }
        if (!(sid instanceof String sessionId) || !isId(sessionId)) {
            throw TokenShape.reject(Reason.MALFORMED, "token sid is not a valid session id");
        }
        if ("pending".equals(claims.get("sts"))) {
            throw TokenShape.reject(Reason.SESSION_PENDING, "session is pending (tasks to complete)");
        }
        return new Identity(new UserId(sub), sessionId, email(claims), OrgClaims.of(claims), rest(claims));
    }

    private static boolean isId(String value) {
        return value.length() <= MAX_ID_CHARS && value.chars().noneMatch(Character::isISOControl);
    }

    private static String email(Claims claims) {
        String email = text(claims.get("email"));
        return email != null ? email : text(claims.get("primary_email"));
    }

    private static String text(Object value) {
        return value instanceof String s && !s.isBlank() && s.length() <= 320 ? s : null;
    }

    private static Map<String, Object> rest(Claims claims) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : claims.entrySet()) {
            if (!EXTRACTED.contains(e.getKey()) && e.getValue() != null) {
                out.put(e.getKey(), immutable(e.getValue()));
            }
        }
        return out;
    }

    /** Deep immutable copy: cached identities are shared between requests. Dates become epoch seconds. */
    private static Object immutable(Object value) {
        if (value instanceof Date date) {
            return date.getTime() / 1000;
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                if (k != null && v != null) {
                    copy.put(k.toString(), immutable(v));
                }
            });
            return Collections.unmodifiableMap(copy);
        }
        if (value instanceof Collection<?> collection) {
            List<Object> copy = new ArrayList<>(collection.size());
            for (Object v : collection) {
                copy.add(v == null ? null : immutable(v));
            }
            return Collections.unmodifiableList(copy);
        }
        return value;
    }
}
