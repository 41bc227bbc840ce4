package dev.billing.stripe;

import com.stripe.param.WebhookEndpointCreateParams;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * What Stripe should hold for a plan catalog: the input of {@link StripeCatalogSync}. Products are created with
 * these ids; prices are found by lookup key (Stripe prices are immutable: another amount means a new price);
 * meters by event name; the portal is the account's default configuration; the webhook endpoint by URL. A product
 * the sync created that is not among {@link #products()} any more is archived with its prices, unless one of them
 * is among {@link #priceIdsInUse()}.
 *
 * <p>Usage:
 * <pre>{@code
 * StripeCatalogSpec spec = new StripeCatalogSpec(
 *     List.of(new StripeCatalogSpec.Product("billing_tier_pro", "Pro")),
 *     List.of(new StripeCatalogSpec.Price("billing:tier:pro:month", "billing_tier_pro", 1900, "usd", "month"),
 *         new StripeCatalogSpec.Price("billing:metered:pro:api_calls:month", "billing_tier_pro", 1, "usd", "month",
 *             "api_calls")),
 *     List.of(new StripeCatalogSpec.Meter("api_calls", "api_calls")),
 *     new StripeCatalogSpec.Portal(List.of(), List.of("billing:tier:pro:month")),
 *     new StripeCatalogSpec.WebhookEndpoint("https://api.example.com/webhooks/stripe",
 *         StripeCatalogSpec.eventTypes(ProcessInboxEvent::handlesEventType), StripePaymentGateway.API_VERSION));
 * }</pre>
 *
 * @param portal          null: the portal configuration is left alone
 * @param webhookEndpoint null: webhook endpoints are left alone
 * @param priceIdsInUse   prices the catalog names by id (plans, metered prices, items): never archived, and
 *                        neither is a product holding one
 */
public record StripeCatalogSpec(
        List<Product> products,
        List<Price> prices,
        List<Meter> meters,
        Portal portal,
        WebhookEndpoint webhookEndpoint,
        List<String> priceIdsInUse) {
    public StripeCatalogSpec {
        products = List.copyOf(products);
        prices = List.copyOf(prices);
        meters = List.copyOf(meters);
        priceIdsInUse = List.copyOf(priceIdsInUse);
        for (Price price : prices) {
            if (products.stream().noneMatch(p -> p.id().equals(price.productId()))) {
                throw new IllegalArgumentException("price " + price.lookupKey() + " names product " + price.productId()
                        + ", which is not among the products");
            }
            // The sync makes a metered price on the meter it keeps for that event name, so it must keep one.
            if (price.meter() != null
                    && meters.stream().noneMatch(m -> m.eventName().equals(price.meter()))) {
                throw new IllegalArgumentException("price " + price.lookupKey() + " is metered on " + price.meter()
                        + ", which is not among the meters");
            }
        }
    }

    /** A spec whose catalog names no price by id. */
    public StripeCatalogSpec(
            List<Product> products,
            List<Price> prices,
            List<Meter> meters,
            Portal portal,
            WebhookEndpoint webhookEndpoint) {
        this(products, prices, meters, portal, webhookEndpoint, List.of());
    }

    /** A product this sync owns (created with this id). */
    public record Product(String id, String name) {
        public Product {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * A price found by its lookup key.
     *
     * @param unitAmount in the currency's minor unit (per unit of usage for a metered price)
     * @param interval   {@code month}, {@code year}, or null for a one-time price
     * @param meter      the event name of one of {@link #meters()}: a metered price
     *                   ({@code recurring[usage_type]=metered}) on that Stripe meter; null for a licensed or one-time
     *                   price
     */
    public record Price(
            String lookupKey, String productId, long unitAmount, String currency, String interval, String meter) {
        public Price {
            Objects.requireNonNull(lookupKey, "lookupKey");
            Objects.requireNonNull(productId, "productId");
            Objects.requireNonNull(currency, "currency");
            if (unitAmount < 0) {
                throw new IllegalArgumentException("unitAmount must be >= 0");
            }
            if (meter != null && interval == null) {
                throw new IllegalArgumentException("metered price " + lookupKey + " needs an interval");
            }
        }

        /** A licensed price ({@code interval} set) or a one-time price ({@code interval} null). */
        public Price(String lookupKey, String productId, long unitAmount, String currency, String interval) {
            this(lookupKey, productId, unitAmount, currency, interval, null);
        }
    }

    /** A Billing Meter summing {@code payload[value]} per {@code payload[stripe_customer_id]}. */
    public record Meter(String eventName, String displayName) {
        public Meter {
            Objects.requireNonNull(eventName, "eventName");
            Objects.requireNonNull(displayName, "displayName");
        }
    }

    /**
     * The default customer portal configuration: invoices, payment methods, cancelling at period end, and switching
     * between these recurring prices (by id, or by lookup key among {@link #prices()}).
     */
    public record Portal(List<String> priceIds, List<String> lookupKeys) {
        public Portal {
            priceIds = List.copyOf(priceIds);
            lookupKeys = List.copyOf(lookupKeys);
        }
    }

    /** The endpoint Stripe delivers events to, found by URL. */
    public record WebhookEndpoint(String url, List<String> enabledEvents, String apiVersion) {
        public WebhookEndpoint {
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(apiVersion, "apiVersion");
            enabledEvents = List.copyOf(enabledEvents);
            if (enabledEvents.isEmpty()) {
                throw new IllegalArgumentException("a webhook endpoint needs at least one event type");
            }
        }
    }

    /**
     * The event types of the pinned API version (stripe-java's list) that {@code handles} accepts, in Stripe's order:
     * exactly what an endpoint should receive.
     */
    public static List<String> eventTypes(Predicate<String> handles) {
        return java.util.Arrays.stream(WebhookEndpointCreateParams.EnabledEvent.values())
                .map(WebhookEndpointCreateParams.EnabledEvent::getValue)
                .filter(type -> !type.equals("*") && handles.test(type))
                .sorted()
                .toList();
    }
}
