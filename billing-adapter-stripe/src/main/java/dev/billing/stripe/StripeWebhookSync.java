package dev.billing.stripe;

import static dev.billing.stripe.StripeCatalogSync.key;

import com.stripe.StripeClient;
import com.stripe.model.WebhookEndpoint;
import com.stripe.param.WebhookEndpointCreateParams;
import com.stripe.param.WebhookEndpointListParams;
import com.stripe.param.WebhookEndpointUpdateParams;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The webhook endpoint part of a sync, found by URL. Its {@code enabled_events} are updated in place; its
 * {@code api_version} cannot be changed by Stripe, so an endpoint of another version is only replaced (a new
 * endpoint, then the old one deleted: a new signing secret) when the caller asks, else it is a warning. Other
 * endpoints with the same URL next to a right one (an interrupted replacement) are deleted.
 */
final class StripeWebhookSync {
    private final StripeClient client;
    private final StripeCalls calls;
    private final StripeCatalogSpec.WebhookEndpoint want;
    private final boolean replace;
    private final List<String> notes;
    private final String run;

    StripeWebhookSync(
            StripeClient client,
            StripeCalls calls,
            StripeCatalogSpec.WebhookEndpoint want,
            boolean replace,
            List<String> notes,
            String run) {
        this.client = client;
        this.calls = calls;
        this.want = want;
        this.replace = replace;
        this.notes = notes;
        this.run = run;
    }

    /** Every endpoint of the account, oldest first. */
    static List<WebhookEndpoint> all(StripeClient client, StripeCalls calls) {
        List<WebhookEndpoint> out = new ArrayList<>();
        String after = null;
        do {
            WebhookEndpointListParams.Builder params =
                    WebhookEndpointListParams.builder().setLimit(StripeCalls.MAX_PAGE);
            if (after != null) {
                params.setStartingAfter(after);
            }
            var page = calls.call(
                    "list webhook endpoints",
                    () -> client.v1().webhookEndpoints().list(params.build()));
            out.addAll(page.getData());
            after = Boolean.TRUE.equals(page.getHasMore()) && !page.getData().isEmpty()
                    ? page.getData().get(page.getData().size() - 1).getId()
                    : null;
        } while (after != null);
        out.sort(Comparator.comparing(WebhookEndpoint::getCreated).thenComparing(WebhookEndpoint::getId));
        return out;
    }

    List<StripeCatalogSync.Step> steps() {
        if (want == null) {
            return List.of();
        }
        List<WebhookEndpoint> same = all(client, calls).stream()
                .filter(e -> want.url().equals(e.getUrl()))
                .toList();
        List<StripeCatalogSync.Step> steps = new ArrayList<>();
        if (same.isEmpty()) {
            steps.add(create(List.of()));
            return steps;
        }
        WebhookEndpoint keep = same.stream()
                .filter(e -> want.apiVersion().equals(e.getApiVersion()))
                .findFirst()
                .orElse(null);
        if (keep == null && replace) {
            steps.add(create(same.stream().map(WebhookEndpoint::getId).toList()));
            for (WebhookEndpoint old : same) {
                steps.add(delete(old, "api_version " + old.getApiVersion() + ", replaced"));
            }
            return steps;
        }
        if (keep == null) {
            keep = same.get(0);
            steps.add(new StripeCatalogSync.Step(
                    new StripeCatalogSync.Change(
                            StripeCatalogSync.Kind.WARN,
                            "webhook endpoint " + keep.getId(),
                            "api_version " + keep.getApiVersion() + ", not "
                                    + want.apiVersion()
                                    + "; Stripe cannot change it: apply --replace-webhook-endpoint creates a "
                                    + "new endpoint (a new signing secret) and deletes this one"),
                    () -> {}));
        } else {
            for (WebhookEndpoint other : same) {
                if (other != keep) {
                    steps.add(delete(other, "a second endpoint with this URL (" + keep.getId() + " stays)"));
                }
            }
        }
        Set<String> have = new TreeSet<>(keep.getEnabledEvents() == null ? List.of() : keep.getEnabledEvents());
        Set<String> wanted = new TreeSet<>(want.enabledEvents());
        if (!have.equals(wanted)) {
            Set<String> added = new TreeSet<>(wanted);
            added.removeAll(have);
            Set<String> removed = new TreeSet<>(have);
            removed.removeAll(wanted);
            String id = keep.getId();
            steps.add(new StripeCatalogSync.Step(
                    new StripeCatalogSync.Change(
                            StripeCatalogSync.Kind.UPDATE,
                            "webhook endpoint " + id,
                            "enabled_events" + (added.isEmpty() ? "" : " +" + added)
                                    + (removed.isEmpty() ? "" : " -" + removed)),
                    () -> calls.call(
                            "update webhook endpoint",
                            () -> client.v1()
                                    .webhookEndpoints()
                                    .update(
                                            id,
                                            WebhookEndpointUpdateParams.builder()
                                                    .addAllEnabledEvent(want.enabledEvents().stream()
                                                            .map(StripeWebhookSync::updateEvent)
                                                            .toList())
                                                    .build(),
                                            StripeCalls.keyed(
                                                    key("webhook-update", id, String.join(",", wanted), run))))));
        }
        return steps;
    }

    private StripeCatalogSync.Step create(List<String> replacing) {
        return new StripeCatalogSync.Step(
                new StripeCatalogSync.Change(
                        StripeCatalogSync.Kind.CREATE,
                        "webhook endpoint " + want.url(),
                        "api_version " + want.apiVersion() + ", "
                                + want.enabledEvents().size() + " event types"),
                () -> {
                    String events = String.join(",", new TreeSet<>(want.enabledEvents()));
                    String replaced = String.join(",", replacing);
                    WebhookEndpoint created = send(key("webhook", want.url(), want.apiVersion(), events, replaced));
                    // A replay answers with the endpoint the key first made, which may have been deleted since (by
                    // hand,
                    // within Stripe's 24 hours): then this run makes its own. Two runs at once still make one.
                    String first = created.getId();
                    if (calls.find(
                                    "retrieve webhook endpoint",
                                    first,
                                    () -> client.v1().webhookEndpoints().retrieve(first))
                            .isEmpty()) {
                        created = send(key("webhook", want.url(), want.apiVersion(), events, replaced, run));
                    }
                    notes.add("webhook endpoint " + created.getId()
                            + " signs with a new secret: set STRIPE_WEBHOOK_SECRET="
                            + created.getSecret()
                            + (replacing.isEmpty()
                                    ? ""
                                    : " (during the switch: " + "STRIPE_WEBHOOK_SECRET=<new>,<old>)")
                            + "; Stripe shows it only now");
                });
    }

    private WebhookEndpoint send(String idempotencyKey) {
        return calls.call(
                "create webhook endpoint",
                () -> client.v1()
                        .webhookEndpoints()
                        .create(
                                WebhookEndpointCreateParams.builder()
                                        .setUrl(want.url())
                                        .addAllEnabledEvent(want.enabledEvents().stream()
                                                .map(StripeWebhookSync::createEvent)
                                                .toList())
                                        .putExtraParam("api_version", want.apiVersion())
                                        .setDescription("billing-server")
                                        .putMetadata("managed_by", "billing")
                                        .build(),
                                StripeCalls.keyed(idempotencyKey)));
    }

    private StripeCatalogSync.Step delete(WebhookEndpoint endpoint, String why) {
        String id = endpoint.getId();
        return new StripeCatalogSync.Step(
                new StripeCatalogSync.Change(StripeCatalogSync.Kind.DELETE, "webhook endpoint " + id, why),
                () -> calls.find(
                        "delete webhook endpoint",
                        id,
                        () -> client.v1().webhookEndpoints().delete(id)));
    }

    private static WebhookEndpointCreateParams.EnabledEvent createEvent(String type) {
        for (WebhookEndpointCreateParams.EnabledEvent e : WebhookEndpointCreateParams.EnabledEvent.values()) {
            if (e.getValue().equals(type)) {
                return e;
            }
        }
        throw new IllegalArgumentException("stripe-java does not know the event type " + type);
    }

    private static WebhookEndpointUpdateParams.EnabledEvent updateEvent(String type) {
        for (WebhookEndpointUpdateParams.EnabledEvent e : WebhookEndpointUpdateParams.EnabledEvent.values()) {
            if (e.getValue().equals(type)) {
                return e;
            }
        }
        throw new IllegalArgumentException("stripe-java does not know the event type " + type);
    }
}
