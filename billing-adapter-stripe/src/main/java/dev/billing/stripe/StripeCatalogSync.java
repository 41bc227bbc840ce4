package dev.billing.stripe;

import com.stripe.StripeClient;
import com.stripe.model.WebhookEndpoint;
import com.stripe.param.PriceListParams;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Makes Stripe match a {@link StripeCatalogSpec} ("Stripe as code"): {@link #plan} reads Stripe and lists what
 * differs, changing nothing; {@link #apply} makes the changes, each with an idempotency key derived from the
 * desired state and what it replaces, so a retried request is not doubled. Every run starts from Stripe's current
 * state, so re-running after an interruption finishes the job, and a run with nothing to do changes nothing.
 *
 * <p>Usage:
 * <pre>{@code
 * StripeCatalogSync sync = StripeCatalogSync.create(StripeConfig.of(secretKey));
 * StripeCatalogSync.Result planned = sync.plan(spec);           // GETs only
 * planned.changes().forEach(c -> System.out.println(c.line()));
 * sync.apply(spec, change -> System.out.println(change.line())); // does them, in order
 * }</pre>
 *
 * <p>Order of work: products, meters, prices (a changed price is created with {@code transfer_lookup_key}, then the
 * old one is archived), the products the sync created that the spec dropped (their prices, then the product are
 * archived), the portal configuration (which names the prices), the webhook endpoint. Failures are the core's
 * {@code GatewayException}s; what was done before stays done. Thread-safe; the secret key is never logged.
 */
public final class StripeCatalogSync {
    /** Stripe's limit of {@code lookup_keys[]} per list request. */
    private static final int LOOKUP_KEYS_PER_REQUEST = 10;

    private final StripeClient client;
    private final StripeCalls calls;

    private StripeCatalogSync(StripeClient client, Clock clock, StripeRateLimit limit) {
        this.client = client;
        this.calls = new StripeCalls(clock, limit);
    }

    /** A sync with the config's key, API base, retries and timeouts. */
    public static StripeCatalogSync create(StripeConfig config) {
        Objects.requireNonNull(config, "config");
        return new StripeCatalogSync(
                StripeClient.builder()
                        .setApiKey(config.secretKey())
                        .setApiBase(config.apiBase())
                        .setMaxNetworkRetries(config.maxNetworkRetries())
                        .setConnectTimeout(
                                Math.toIntExact(config.connectTimeout().toMillis()))
                        .setReadTimeout(Math.toIntExact(config.readTimeout().toMillis()))
                        .build(),
                Clock.systemUTC(),
                StripeRateLimit.of(config));
    }

    /** What kind of difference a change is. */
    public enum Kind {
        CREATE,
        UPDATE,
        ARCHIVE,
        DELETE,
        /** A difference this run will not fix (it says why); it is not a change. */
        WARN
    }

    /**
     * One difference between Stripe and the spec.
     *
     * @param subject what it concerns ({@code price billing:tier:pro:month})
     * @param detail  what changes, for people
     */
    public record Change(Kind kind, String subject, String detail) {
        public Change {
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(detail, "detail");
        }

        /** {@code create   price billing:tier:pro:month: usd 19.00 / month (product billing_tier_pro)} */
        public String line() {
            return String.format(
                    java.util.Locale.ROOT,
                    "%-8s %s: %s",
                    kind.name().toLowerCase(java.util.Locale.ROOT),
                    subject,
                    detail);
        }
    }

    /**
     * What a run found (plan) or did (apply).
     *
     * @param notes what the operator must know beyond the changes (a new endpoint's signing secret)
     */
    public record Result(List<Change> changes, List<String> notes) {
        public Result {
            changes = List.copyOf(changes);
            notes = List.copyOf(notes);
        }

        /** True when nothing differs but warnings. */
        public boolean noChanges() {
            return changes.stream().allMatch(c -> c.kind() == Kind.WARN);
        }
    }

    /** A webhook endpoint as Stripe holds it. */
    public record Endpoint(String id, String url, String apiVersion, List<String> enabledEvents) {}

    /** A change and how to make it. */
    record Step(Change change, Runnable action) {}

    /** Lists what {@link #apply} would change; sends only GET requests. */
    public Result plan(StripeCatalogSpec spec) {
        return plan(spec, false);
    }

    /**
     * Lists what {@link #apply} would change.
     *
     * @param replaceWebhookEndpoint whether an endpoint of another API version would be replaced (else a warning)
     */
    public Result plan(StripeCatalogSpec spec, boolean replaceWebhookEndpoint) {
        List<Change> changes = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        String run = newRun();
        new StripeCatalogDiff(client, calls, spec, run).steps().forEach(s -> changes.add(s.change()));
        portal(spec, run).steps().forEach(s -> changes.add(s.change()));
        webhooks(spec, replaceWebhookEndpoint, notes, run).steps().forEach(s -> changes.add(s.change()));
        return new Result(changes, notes);
    }

    /** Makes the changes {@link #plan} lists, telling {@code progress} of each one before it is made. */
    public Result apply(StripeCatalogSpec spec, Consumer<Change> progress) {
        return apply(spec, false, progress);
    }

    /**
     * Makes the changes, in order, each phase planned from Stripe's state after the previous one.
     *
     * @param replaceWebhookEndpoint replace an endpoint of another API version (new signing secret, in the notes)
     */
    public Result apply(StripeCatalogSpec spec, boolean replaceWebhookEndpoint, Consumer<Change> progress) {
        List<Change> done = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        String run = newRun();
        run(new StripeCatalogDiff(client, calls, spec, run).steps(), progress, done);
        // The portal names prices by id: read after the prices exist.
        run(portal(spec, run).steps(), progress, done);
        run(webhooks(spec, replaceWebhookEndpoint, notes, run).steps(), progress, done);
        return new Result(done, notes);
    }

    private static void run(List<Step> steps, Consumer<Change> progress, List<Change> done) {
        for (Step step : steps) {
            progress.accept(step.change());
            step.action().run();
            done.add(step.change());
        }
    }

    private static String newRun() {
        return UUID.randomUUID().toString();
    }

    private StripePortalSync portal(StripeCatalogSpec spec, String run) {
        return new StripePortalSync(client, calls, spec, this, run);
    }

    private StripeWebhookSync webhooks(StripeCatalogSpec spec, boolean replace, List<String> notes, String run) {
        return new StripeWebhookSync(client, calls, spec.webhookEndpoint(), replace, notes, run);
    }

    /** The active price holding each lookup key (keys no active price holds are absent). */
    public Map<String, String> priceIdsByLookupKey(Collection<String> lookupKeys) {
        Map<String, String> found = new LinkedHashMap<>();
        for (com.stripe.model.Price price : pricesByLookupKey(lookupKeys, true)) {
            found.put(price.getLookupKey(), price.getId());
        }
        return found;
    }

    /** Every price (active or not) holding one of the lookup keys. */
    List<com.stripe.model.Price> pricesByLookupKey(Collection<String> lookupKeys, boolean activeOnly) {
        List<String> keys = List.copyOf(lookupKeys);
        List<com.stripe.model.Price> out = new ArrayList<>();
        for (int i = 0; i < keys.size(); i += LOOKUP_KEYS_PER_REQUEST) {
            PriceListParams.Builder params = PriceListParams.builder()
                    .setLimit(StripeCalls.MAX_PAGE)
                    .addAllLookupKey(keys.subList(i, Math.min(keys.size(), i + LOOKUP_KEYS_PER_REQUEST)));
            if (activeOnly) {
                params.setActive(true);
            }
            out.addAll(calls.call(
                            "list prices by lookup key",
                            () -> client.v1().prices().list(params.build()))
                    .getData());
        }
        return out;
    }

    /** The webhook endpoints with this URL, oldest first (every page of the account's endpoints is read). */
    public List<Endpoint> webhookEndpoints(String url) {
        Objects.requireNonNull(url, "url");
        List<Endpoint> out = new ArrayList<>();
        for (WebhookEndpoint e : StripeWebhookSync.all(client, calls)) {
            if (url.equals(e.getUrl())) {
                out.add(new Endpoint(
                        e.getId(),
                        e.getUrl(),
                        e.getApiVersion(),
                        e.getEnabledEvents() == null ? List.of() : List.copyOf(e.getEnabledEvents())));
            }
        }
        return out;
    }

    /**
     * An idempotency key for one change: the same desired state (and the same object replaced) gives the same key,
     * so a retried or re-run step replays instead of creating twice, and a later, different change gets a new one.
     * Steps that only set a state (archive, reactivate, rename, the portal's and a webhook endpoint's settings) add
     * their run's id: a later run may set the state back, and that must never be answered by the replay of an
     * earlier run's request. An object's {@code updated} cannot tell two flips apart: it counts seconds, and a
     * price has none.
     */
    static String key(String... parts) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : parts) {
                sha.update(String.valueOf(part).getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return "billing-sync-" + parts[0] + "-" + HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    /** {@code usd 19.00}, {@code jpy 1900}: an amount in minor units for people. */
    static String money(long amount, String currency) {
        if (ZERO_DECIMAL.contains(currency)) {
            return currency + " " + amount;
        }
        return String.format(java.util.Locale.ROOT, "%s %d.%02d", currency, amount / 100, amount % 100);
    }

    private static final java.util.Set<String> ZERO_DECIMAL = java.util.Set.of(
            "bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga", "pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof",
            "xpf");
}
