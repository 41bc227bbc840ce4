package dev.billing.http;

import dev.billing.core.model.Identity;
import dev.billing.core.model.UserId;
import dev.billing.core.model.servicekey.ServiceKey;
import dev.billing.core.model.servicekey.ServiceScope;
import dev.billing.core.servicekey.ServiceKeyCheck;
import dev.billing.core.servicekey.ServiceKeys;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Service API keys on the user routes: which route a key may call with which scope, checking the key, the party it
 * names in {@code Billing-Act-As} (never implicit), and its own rate limit. Admin routes never accept a key. The key
 * itself never reaches a log line or an answer: only its id does.
 */
final class ServiceAccess {
    static final String ACT_AS = "Billing-Act-As";
    /** The exchange attribute holding the service key's id (for the access log). */
    static final String KEY_ATTRIBUTE = "billing.serviceKey";

    /** The routes a service may call, each with the scope it needs; every other route refuses keys. */
    private static final Map<String, ServiceScope> SCOPES = Map.of(
            "GET /me/entitlements", ServiceScope.ENTITLEMENTS_READ,
            "GET /usage", ServiceScope.ENTITLEMENTS_READ,
            "POST /usage", ServiceScope.USAGE_WRITE,
            "POST /stripe/customer", ServiceScope.CUSTOMERS_WRITE,
            "POST /stripe/checkout", ServiceScope.CHECKOUT_WRITE,
            "POST /stripe/portal", ServiceScope.CHECKOUT_WRITE);

    private static final Pattern USER_ID = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    private final ServiceKeys keys;
    private final RateLimiter limiter;

    ServiceAccess(ServiceKeys keys, RateLimiter limiter) {
        this.keys = keys;
        this.limiter = limiter;
    }

    /** The scope a key needs for the route, or empty when keys may not call it. */
    static Optional<ServiceScope> scopeOf(ApiRoute route) {
        return Optional.ofNullable(SCOPES.get(route.method().name() + " " + route.path()));
    }

    /**
     * The identity of the party a valid key with the route's scope acts for; 401 for a key that opens nothing, 403
     * {@code insufficient_scope} for a route the key may not call, 400 {@code invalid_act_as} without a party.
     */
    Identity authenticate(Exchange ctx, ApiRoute route, String credential) {
        ServiceKey key = check(credential);
        ctx.attribute(KEY_ATTRIBUTE, key.id());
        ServiceScope needed = scopeOf(route).orElse(null);
        if (needed == null || !key.scopes().contains(needed)) {
            throw ApiException.of(
                    403,
                    "insufficient_scope",
                    needed == null
                            ? "Service keys cannot call this route."
                            : "This service key lacks the " + needed.wireName() + " scope.");
        }
        UserId party = party(ctx.header(ACT_AS));
        limiter.check(key.id());
        return new Identity(party, "service:" + key.id(), null, null, Map.of());
    }

    /** A key on an admin route: 403 when it is valid (it never opens one), 401 when it opens nothing anyway. */
    void refuseOnAdmin(Exchange ctx, String credential) {
        ServiceKey key = check(credential);
        ctx.attribute(KEY_ATTRIBUTE, key.id());
        throw ApiException.of(403, "insufficient_scope", "Service keys cannot call admin routes.");
    }

    private ServiceKey check(String credential) {
        ServiceKeyCheck result = keys.check(credential);
        if (result instanceof ServiceKeyCheck.Accepted accepted) {
            return accepted.key();
        }
        ServiceKeyCheck.Rejected rejected = (ServiceKeyCheck.Rejected) result;
        // A caller that holds the right secret of a revoked or expired key learns which: it proved it had the key.
        String code = "unauthenticated";
        String message = "The service key is not valid.";
        if (rejected.reason() == ServiceKeyCheck.Reason.REVOKED) {
            code = "service_key_revoked";
            message = "The service key was revoked.";
        } else if (rejected.reason() == ServiceKeyCheck.Reason.EXPIRED) {
            code = "service_key_expired";
            message = "The service key has expired.";
        }
        throw ApiException.of(401, code, message, Map.of("WWW-Authenticate", "Bearer"));
    }

    /** {@code user:<id>} or {@code org:<id>}: whom the service acts for, always named. */
    static UserId party(String actAs) {
        if (actAs == null || actAs.isBlank()) {
            throw ApiException.of(
                    400,
                    "invalid_act_as",
                    "A service key needs the " + ACT_AS + " header: user:<userId> or org:<orgId>.");
        }
        String value = actAs.strip();
        if (value.startsWith("user:")) {
            String id = value.substring(5);
            if (USER_ID.matcher(id).matches()
                    && !UserId.of(id).isOrganization()
                    && !UserId.of(id).isPseudonym()) {
                return UserId.of(id);
            }
        } else if (value.startsWith("org:")) {
            String id = value.substring(4);
            if (id.length() <= 128 && UserId.of(id.isEmpty() ? "-" : id).isOrganization()) {
                return UserId.of(id);
            }
        }
        throw ApiException.of(400, "invalid_act_as", ACT_AS + " must be user:<userId> or org:<orgId> (org_...).");
    }
}
