package dev.billing.core.config;

import java.util.List;
import java.util.Objects;

/**
 * The one rule for a request's client address, used by every check that counts or allows by address (the API's
 * rate limits, the admin dashboard's sign-in limit, the Stripe webhook allowlist): {@code X-Forwarded-For} is
 * honoured only when the connection comes from a trusted proxy, and then the client is the right-most entry that is
 * not itself a trusted proxy (each proxy appends the address it saw; entries left of an untrusted one could be
 * anything the client wrote). Without trusted proxies the connection's address is the client.
 *
 * <p>Usage: {@code ClientAddresses.trusting(IpRanges.parse(List.of("10.0.0.0/8"))).resolve(peer, xForwardedFor)}
 *
 * @param trustedProxies the proxies whose {@code X-Forwarded-For} is believed
 * @param anyPeer        believe the connection's peer whatever its address (one proxy in front, address unknown:
 *                       the old {@code BILLING_TRUST_PROXY=true}); entries left of the last are then checked against
 *                       {@code trustedProxies} as usual
 */
public record ClientAddresses(IpRanges trustedProxies, boolean anyPeer) {
    public ClientAddresses {
        Objects.requireNonNull(trustedProxies, "trustedProxies");
    }

    /** No proxy is trusted: the connection's address is the client's. */
    public static ClientAddresses direct() {
        return new ClientAddresses(IpRanges.none(), false);
    }

    public static ClientAddresses trusting(IpRanges proxies) {
        return new ClientAddresses(proxies, false);
    }

    /** Whether {@code X-Forwarded-For} is ever read. */
    public boolean readsForwardedFor() {
        return anyPeer || !trustedProxies.isEmpty();
    }

    /**
     * The client's address.
     *
     * @param peer         the connection's remote address
     * @param forwardedFor the {@code X-Forwarded-For} header (every value, comma-joined), or null
     */
    public String resolve(String peer, String forwardedFor) {
        if (forwardedFor == null || forwardedFor.isBlank() || !(anyPeer || trustedProxies.contains(peer))) {
            return peer;
        }
        List<String> hops = List.of(forwardedFor.split(","));
        String client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            String hop = hops.get(i).strip();
            if (!IpRanges.isAddress(hop)) {
                // Garbage where an address should be: the last proxy we trust saw no client we can name better.
                return client;
            }
            client = hop;
            if (!trustedProxies.contains(hop)) {
                return hop;
            }
        }
        return client;
    }

    @Override
    public String toString() {
        return anyPeer
                ? "any peer" + (trustedProxies.isEmpty() ? "" : " and " + trustedProxies)
                : trustedProxies.toString();
    }
}
