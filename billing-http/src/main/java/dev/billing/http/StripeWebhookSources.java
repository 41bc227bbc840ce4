package dev.billing.http;

import dev.billing.core.config.IpRanges;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The addresses Stripe sends webhooks from, for {@link ApiSettings.Builder#stripeWebhookSources}: the list shipped
 * with this build ({@code stripe-webhook-ips.txt}, from docs.stripe.com/ips), or one a host reads from its own file.
 *
 * <p>Usage: {@code ApiSettings.builder().stripeWebhookSources(StripeWebhookSources.published())}
 */
public final class StripeWebhookSources {
    private static final String RESOURCE = "stripe-webhook-ips.txt";

    private StripeWebhookSources() {}

    /** The list shipped with this build. */
    public static IpRanges published() {
        try (InputStream in = StripeWebhookSources.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the jar");
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads the file format: one address or CIDR range a line; blank lines and {@code #} comments are skipped.
     *
     * @throws IllegalArgumentException naming the first line that is no address, or when no address is listed
     */
    public static IpRanges parse(String text) {
        List<String> entries = new ArrayList<>();
        for (String line : text.split("\r?\n")) {
            int hash = line.indexOf('#');
            String entry = (hash < 0 ? line : line.substring(0, hash)).strip();
            if (!entry.isEmpty()) {
                entries.add(entry);
            }
        }
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("lists no address (the allowlist would refuse every delivery)");
        }
        return IpRanges.parse(entries);
    }
}
