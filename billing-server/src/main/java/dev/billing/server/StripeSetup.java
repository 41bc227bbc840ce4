package dev.billing.server;

import dev.billing.core.model.catalog.MeterDefinition;
import dev.billing.core.model.catalog.PlanCatalog;
import dev.billing.core.webhook.ProcessInboxEvent;
import dev.billing.plans.PlanCatalogYaml;
import dev.billing.plans.PlanFile;
import dev.billing.stripe.StripeCatalogSpec;
import dev.billing.stripe.StripeCatalogSync;
import dev.billing.stripe.StripePaymentGateway;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the plan file meets Stripe: the spec {@code stripe plan} / {@code stripe apply} sync, the catalog with its
 * lookup keys resolved at start, and the start-up check of the webhook endpoint's API version.
 */
final class StripeSetup {
    private static final Logger LOG = LoggerFactory.getLogger(StripeSetup.class);

    private StripeSetup() {}

    /**
     * What Stripe should hold for the plan file: a product and prices for every price given by amount (metered ones
     * on their meter, on the tier's product), a meter for
     * every meter reported to Stripe, the portal over the paid tiers' prices, and the endpoint at {@code webhookUrl}
     * (none when null). The prices the file gives by id are in use: apply never archives them.
     */
    static StripeCatalogSpec spec(PlanFile file, URI webhookUrl) {
        Map<String, StripeCatalogSpec.Product> products = new LinkedHashMap<>();
        List<StripeCatalogSpec.Price> prices = new ArrayList<>();
        List<String> recurring = new ArrayList<>();
        for (PlanFile.ManagedPrice p : file.managedPrices()) {
            products.putIfAbsent(p.productId(), new StripeCatalogSpec.Product(p.productId(), p.productName()));
            prices.add(new StripeCatalogSpec.Price(
                    p.lookupKey(), p.productId(), p.amount(), p.currency(), p.interval(), p.meterEventName()));
            // A metered price bills usage beside a plan: the portal switches between plans only.
            if (p.interval() != null && !p.metered()) {
                recurring.add(p.lookupKey());
            }
        }
        List<StripeCatalogSpec.Meter> meters = new ArrayList<>();
        for (MeterDefinition meter : file.stripeMeters()) {
            meters.add(new StripeCatalogSpec.Meter(meter.stripeEventName(), meter.name()));
        }
        StripeCatalogSpec.WebhookEndpoint endpoint = webhookUrl == null
                ? null
                : new StripeCatalogSpec.WebhookEndpoint(
                        webhookUrl.toString(),
                        StripeCatalogSpec.eventTypes(ProcessInboxEvent::handlesEventType),
                        StripePaymentGateway.API_VERSION);
        return new StripeCatalogSpec(
                List.copyOf(products.values()),
                prices,
                meters,
                new StripeCatalogSpec.Portal(file.tierPriceIds(), recurring),
                endpoint,
                file.priceIdsGivenById());
    }

    /**
     * The catalog with every lookup key replaced by the active price holding it (no Stripe call when the file gives
     * every price by id).
     *
     * @throws ConfigException naming every lookup key no active price holds
     */
    static PlanCatalog resolve(PlanFile file, StripeCatalogSync sync) {
        if (!file.needsLookup()) {
            return file.catalog();
        }
        Map<String, String> ids = sync.priceIdsByLookupKey(file.managedPrices().stream()
                .map(PlanFile.ManagedPrice::lookupKey)
                .toList());
        try {
            PlanCatalog plans = file.catalog(key -> Optional.ofNullable(ids.get(key)));
            LOG.info("Plan catalog: {} price(s) resolved by lookup key", ids.size());
            return plans;
        } catch (PlanCatalogYaml.InvalidCatalogException e) {
            throw new ConfigException(
                    e.problems().stream().map(p -> "BILLING_PLANS_FILE: " + p).toList());
        }
    }

    /**
     * Compares the API version of the endpoint at {@code url} with the SDK's: payloads of another version have
     * other shapes. Only the endpoint that URL names is checked; a Stripe that cannot be asked is logged, not fatal.
     *
     * @return the mismatch, as logged; empty when the versions agree, or nothing was checked
     * @throws ConfigException on a mismatch with {@link ServerConfig.WebhookApiVersionCheck#REFUSE}
     */
    static Optional<String> checkWebhookApiVersion(
            StripeCatalogSync sync, URI url, ServerConfig.WebhookApiVersionCheck mode) {
        if (url == null || mode == ServerConfig.WebhookApiVersionCheck.OFF) {
            return Optional.empty();
        }
        List<StripeCatalogSync.Endpoint> endpoints;
        try {
            endpoints = sync.webhookEndpoints(url.toString());
        } catch (RuntimeException e) {
            LOG.warn(
                    "The webhook endpoint's API version could not be checked ({}: {})",
                    e.getClass().getSimpleName(),
                    e.getMessage());
            return Optional.empty();
        }
        if (endpoints.isEmpty()) {
            LOG.warn(
                    "No Stripe webhook endpoint has the URL {} (BILLING_WEBHOOK_URL): create it with "
                            + "billing-server stripe apply",
                    url);
            return Optional.empty();
        }
        List<String> wrong = endpoints.stream()
                .filter(e -> !StripePaymentGateway.API_VERSION.equals(e.apiVersion()))
                .map(e -> e.id() + " (" + (e.apiVersion() == null ? "the account's default version" : e.apiVersion())
                        + ")")
                .toList();
        if (wrong.isEmpty()) {
            return Optional.empty();
        }
        String message = "BILLING_WEBHOOK_URL: the webhook endpoint " + String.join(", ", wrong) + " at " + url
                + " sends events at another API version than this server reads (" + StripePaymentGateway.API_VERSION
                + "), and payload shapes differ between versions: replace it with billing-server stripe apply "
                + "--replace-webhook-endpoint (BILLING_WEBHOOK_API_VERSION_CHECK=warn|refuse|off)";
        if (mode == ServerConfig.WebhookApiVersionCheck.REFUSE) {
            throw new ConfigException(List.of(message));
        }
        LOG.warn(message);
        return Optional.of(message);
    }
}
