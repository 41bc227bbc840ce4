package dev.billing.server;

import dev.billing.core.config.ClientAddresses;
import dev.billing.core.config.IpRanges;
import dev.billing.http.ApiSettings;
import dev.billing.http.StripeWebhookSources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Who the server believes about addresses, read from the environment: the trusted proxies whose
 * {@code X-Forwarded-For} names the client ({@code BILLING_TRUSTED_PROXIES}, or {@code BILLING_TRUST_PROXY} for one
 * proxy of unknown address), and the Stripe webhook allowlist ({@code BILLING_STRIPE_WEBHOOK_ALLOWLIST}, with the
 * list shipped in the jar or {@code BILLING_STRIPE_WEBHOOK_IPS_FILE}).
 *
 * <p>Usage: {@code NetworkSettings network = NetworkSettings.read(reader); network.apply(apiSettingsBuilder);}
 *
 * @param trustAnyPeer         {@code BILLING_TRUST_PROXY}: believe {@code X-Forwarded-For} from any connection
 * @param trustedProxies       {@code BILLING_TRUSTED_PROXIES}: the proxies' addresses and CIDR ranges
 * @param stripeWebhookSources the allowlist, empty when off
 * @param stripeWebhookIpsFile the file it was read from, or null (the jar's list, or off)
 */
record NetworkSettings(
        boolean trustAnyPeer, IpRanges trustedProxies, IpRanges stripeWebhookSources, Path stripeWebhookIpsFile) {
    static final String TRUST_PROXY = "BILLING_TRUST_PROXY";
    static final String TRUSTED_PROXIES = "BILLING_TRUSTED_PROXIES";
    static final String ALLOWLIST = "BILLING_STRIPE_WEBHOOK_ALLOWLIST";
    static final String IPS_FILE = "BILLING_STRIPE_WEBHOOK_IPS_FILE";

    static NetworkSettings read(EnvReader r) {
        boolean anyPeer = r.bool(TRUST_PROXY, false);
        IpRanges proxies = IpRanges.none();
        try {
            proxies = IpRanges.parse(r.list(TRUSTED_PROXIES, List.of()));
        } catch (IllegalArgumentException e) {
            r.problem(TRUSTED_PROXIES + ": " + e.getMessage());
        }
        boolean allowlist = r.bool(ALLOWLIST, false);
        String file = r.optional(IPS_FILE);
        if (file != null && !allowlist) {
            r.problem(IPS_FILE + ": set, but " + ALLOWLIST + " is not true (set it to use the file, or remove it)");
            return new NetworkSettings(anyPeer, proxies, IpRanges.none(), null);
        }
        if (!allowlist) {
            return new NetworkSettings(anyPeer, proxies, IpRanges.none(), null);
        }
        if (file == null) {
            return new NetworkSettings(anyPeer, proxies, StripeWebhookSources.published(), null);
        }
        Path path = Path.of(file);
        try {
            return new NetworkSettings(
                    anyPeer, proxies, StripeWebhookSources.parse(Files.readString(path, StandardCharsets.UTF_8)), path);
        } catch (IOException e) {
            r.problem(IPS_FILE + ": cannot read " + path + " (" + e.getClass().getSimpleName() + ")");
        } catch (IllegalArgumentException e) {
            r.problem(IPS_FILE + ": " + path + " " + e.getMessage());
        }
        return new NetworkSettings(anyPeer, proxies, IpRanges.none(), null);
    }

    /** No proxy trusted, no allowlist: local mode's. */
    static NetworkSettings direct() {
        return new NetworkSettings(false, IpRanges.none(), IpRanges.none(), null);
    }

    ClientAddresses clientAddresses() {
        return new ClientAddresses(trustedProxies, trustAnyPeer);
    }

    ApiSettings.Builder apply(ApiSettings.Builder api) {
        return api.trustForwardedFor(trustAnyPeer)
                .trustedProxies(trustedProxies.entries())
                .stripeWebhookSources(stripeWebhookSources);
    }

    /** For {@code check-config}: the client address rule and the allowlist. */
    String describeProxies() {
        return clientAddresses().readsForwardedFor()
                ? "X-Forwarded-For from " + clientAddresses()
                : "the connection's address (no trusted proxy)";
    }

    String describeAllowlist() {
        if (stripeWebhookSources.isEmpty()) {
            return "off (any address)";
        }
        return stripeWebhookSources.entries().size() + " addresses from "
                + (stripeWebhookIpsFile == null ? "the list in the jar" : stripeWebhookIpsFile.toString());
    }
}
