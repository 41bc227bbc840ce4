package dev.billing.server.invariants;

import com.fasterxml.jackson.databind.JsonNode;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.emulator.EmittedEvent;
import dev.billing.emulator.Fault;
import dev.billing.testkit.Await;
import dev.billing.testkit.http.Http;
import dev.billing.testkit.webhook.StripeSignature;
import dev.billing.testkit.webhook.SvixSignature;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One sequence's parties and what the test knows independently of the server (the model): the members Clerk said
 * joined or left (and when), the deliveries it sent, the refunds an admin asked for. Steps act through it, over the
 * server's real HTTP API, the Stripe emulator and signed webhooks; {@link #settle()} waits until every consequence
 * of a step has landed.
 */
final class Run {
    static final int USERS = 3;
    /** Members of the organization beyond the three users: ids only Clerk's events know. */
    static final int EXTRA_MEMBERS = 3;

    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final Duration PATIENCE = Await.DEFAULT;
    /** How often a Clerk delivery refused while the store fails on purpose is tried before the suite gives up. */
    private static final int CLERK_ATTEMPTS = 6;

    /** What Clerk last said of one member (the truth the member count must equal). */
    record Member(String userId, String membershipId, boolean active, Instant changedAt) {}

    /** A Clerk delivery the sequence sent, kept to send again. */
    record ClerkDelivery(String svixId, String body) {}

    final World world;
    final int id;
    final List<Party> parties = new ArrayList<>();
    final Party org;
    final String orgAdmin;
    final List<String> memberIds = new ArrayList<>();
    final Map<String, Member> members = new LinkedHashMap<>();
    final List<ClerkDelivery> clerkDeliveries = new ArrayList<>();
    /** Refund ids an admin created through the API, with the Idempotency-Key used. */
    final Map<String, String> adminRefunds = new LinkedHashMap<>();

    final List<String> log = new ArrayList<>();
    /** When billing may have noted each subscription turn past due (the entitlements invariant's grace). */
    final PastDueWindows pastDue = new PastDueWindows();
    /**
     * The kind of every notice the log has listed since the sequence began, by event: a retention pass as if 400 days
     * had passed deletes notices, and what went out before it was still owed nothing more.
     */
    final Map<String, String> noticesSeen = new HashMap<>();
    /** The events retention steps deleted from the inbox: billing kept them until then ({@link DeliveryInvariants}). */
    final Set<String> prunedEvents = new HashSet<>();
    /**
     * Where the emulator's request log stood when members last joined together, until the next check has looked at
     * the seat updates sent since (null when none is pending).
     */
    Integer joinsFrom;

    /** The step being run and checked. */
    Step step;

    /**
     * The faults armed at Stripe while a step runs under them ({@link WorldSteps.StripeFails}), else none: the API may
     * then answer that Stripe failed.
     */
    volatile List<Fault> stripeFaults = List.of();

    /**
     * Set while the store drops billing's busy connections on purpose ({@link WorldSteps.StoreFails}), else null;
     * cleared to stop dropping: the API may then answer that the store failed.
     */
    volatile AtomicBoolean storeFaults;

    /** The run's service key and its id, once a step used it. */
    String serviceKey;

    String serviceKeyId;

    private final int firstStripeEvent;
    private Instant clerkTime;
    private int counter;

    Run(World world) {
        this.world = world;
        this.id = RUNS.incrementAndGet();
        String tag = world.store.charAt(0) + Integer.toString(id) + "x" + Long.toString(System.nanoTime() % 46656, 36);
        for (int i = 0; i < USERS; i++) {
            parties.add(new Party(
                    i,
                    "user_inv" + tag + "u" + i,
                    "inv" + tag + "u" + i + "@example.test",
                    "Ada" + tag + "u" + i + " Lovelace" + tag + "u" + i,
                    false));
        }
        org = new Party(USERS, "org_inv" + tag, null, null, true);
        orgAdmin = "user_inv" + tag + "admin";
        parties.add(org);
        parties.stream().filter(p -> !p.org).forEach(p -> memberIds.add(p.account));
        for (int j = 0; j < EXTRA_MEMBERS; j++) {
            memberIds.add("user_inv" + tag + "m" + j);
        }
        this.firstStripeEvent = world.emulator.events().size();
        this.clerkTime = Instant.now().minusSeconds(3600);
    }

    Party party(int index) {
        return parties.get(Math.floorMod(index, parties.size()));
    }

    /** A user party (never the organization). */
    Party user(int index) {
        return parties.get(Math.floorMod(index, USERS));
    }

    /** A fresh value for keys and ids that must not repeat within the world. */
    String unique(String prefix) {
        return prefix + id + "_" + (++counter);
    }

    /**
     * The session token of a user (email verified), or for the organization that of its admin: a person of their
     * own, never erased, so that what the admin's actions store is never mistaken for an erased user's data.
     */
    String token(Party p) {
        if (p.org) {
            return world.minter
                    .token()
                    .subject(orgAdmin)
                    .claim("email", orgAdmin.substring(5) + "@example.test")
                    .claim("email_verified", true)
                    .claim("org_id", org.account)
                    .claim("org_role", "org:admin")
                    .sign();
        }
        return world.minter
                .token()
                .subject(p.account)
                .claim("email", p.email)
                .claim("email_verified", true)
                .sign();
    }

    Http.Response get(Party p, String path) {
        return get(world.http(), p, path);
    }

    /** The same from one instance of {@code serve}. */
    Http.Response get(Http via, Party p, String path) {
        return answered("GET " + path, via.get(p.route(path), token(p)));
    }

    Http.Response post(Party p, String path, String json) {
        return answered("POST " + path, world.http().post(p.route(path), token(p), json));
    }

    Http.Response post(Party p, String path, String json, Map<String, String> headers) {
        return answered("POST " + path, world.http().post(p.route(path), token(p), json, headers));
    }

    Http.Response admin(String method, String path, String json, Map<String, String> headers) {
        Http via = world.http();
        HttpRequest.Builder request = via.request(path)
                .header("Authorization", "Bearer " + World.ADMIN)
                .header("Content-Type", "application/json");
        headers.forEach(request::header);
        request.method(
                method, json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        return answered(method + " " + path, via.send(request));
    }

    /**
     * A call of the run's service key (created on first use, with every scope) acting for the party, as another
     * backend of the product makes it: {@code Billing-Act-As} names the user, or the organization itself.
     */
    Http.Response asService(Party p, String path, String json, Map<String, String> headers) {
        if (serviceKey == null) {
            Http.Response created = admin(
                    "POST",
                    "/admin/service-keys",
                    "{\"name\":\"invariants " + id + "\",\"scopes\":[\"entitlements:read\",\"usage:write\","
                            + "\"customers:write\",\"checkout:write\"]}",
                    Map.of());
            serviceKey = created.json().path("secret").asText();
            serviceKeyId = created.json().path("id").asText();
        }
        Http via = world.http();
        HttpRequest.Builder request = via.request(path)
                .header("Authorization", "Bearer " + serviceKey)
                .header("Billing-Act-As", (p.org ? "org:" : "user:") + p.account)
                .header("Content-Type", "application/json");
        headers.forEach(request::header);
        request.POST(HttpRequest.BodyPublishers.ofString(json));
        return answered("service POST " + path, via.send(request));
    }

    Http.Response adminGet(String path) {
        return admin("GET", path, null, Map.of());
    }

    /** Every item of an admin listing paged by {@code cursor} ({@code path} with its query), in the listing's order. */
    List<JsonNode> adminList(String path) {
        List<JsonNode> items = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = adminGet(path + (path.contains("?") ? "&" : "?") + "limit=100"
                            + (cursor == null ? "" : "&cursor=" + encode(cursor)))
                    .json();
            page.path("data").forEach(items::add);
            cursor = page.path("hasMore").asBoolean() ? page.path("nextCursor").asText() : null;
        } while (cursor != null);
        return items;
    }

    /**
     * {@link #checked}, and while Stripe fails on purpose ({@link #stripeFaults}) also the API's answer for it
     * (HTTP_API.md): 503 {@code stripe_unavailable} (unavailable, rate limited, outcome unknown), or while the store
     * does ({@link #storeFaults}) 503 {@code store_unavailable}. Never a 500, which would be billing's own failure, nor
     * a 502 {@code stripe_error}: the faults refuse nothing, so a refusal would be billing mistaking a retry of work
     * done (its answer lost) for Stripe saying no.
     */
    Http.Response answered(String what, Http.Response r) {
        if (failedOnPurpose(r)) {
            synchronized (log) {
                log.add(what + " answered " + r.status() + " " + r.errorCode() + " while "
                        + (failedAtStripe(r) ? "Stripe" : "the store") + " failed");
            }
            return r;
        }
        return checked(what, r);
    }

    /** Whether a step under a Stripe fault got the API's answer for it. */
    boolean failedAtStripe(Http.Response r) {
        return !stripeFaults.isEmpty() && r.status() == 503 && "stripe_unavailable".equals(r.errorCode());
    }

    /**
     * Whether a step under a fault got the API's answer for it: Stripe's, or 503 {@code store_unavailable} while the
     * store drops connections.
     */
    boolean failedOnPurpose(Http.Response r) {
        return failedAtStripe(r)
                || (storeFaults != null && r.status() == 503 && "store_unavailable".equals(r.errorCode()));
    }

    /**
     * The answer to {@code ask}; when it is the API's answer for a fault made on purpose ({@link #failedOnPurpose}),
     * the answer to asking once more after the faults are withdrawn, as a client retries a 503 once Stripe and the
     * store are back.
     */
    Http.Response askedAgainWhenBack(Supplier<Http.Response> ask) {
        Http.Response first = ask.get();
        if (!failedOnPurpose(first)) {
            return first;
        }
        withdrawFaults();
        return ask.get();
    }

    /** Withdraws what is left of the step's faults (a user trying again once Stripe and the store are back). */
    void withdrawFaults() {
        List<Fault> armed = stripeFaults;
        stripeFaults = List.of();
        armed.forEach(world.emulator::removeFault);
        AtomicBoolean dropping = storeFaults;
        if (dropping != null) {
            dropping.set(false);
        }
    }

    /**
     * Any answer a client can act on is fine (a refusal is a 4xx with its code); a 5xx, or a refusal that says the
     * test itself sent something malformed, is a failure of the sequence.
     */
    static Http.Response checked(String what, Http.Response r) {
        if (r.status() >= 500) {
            throw new AssertionError(what + " answered " + r.status() + ": " + r.body());
        }
        if (r.status() == 400
                && Set.of("unknown_field", "missing_field", "invalid_json").contains(r.errorCode())) {
            throw new AssertionError(what + " was malformed by the test: " + r.body());
        }
        return r;
    }

    /** The party's Stripe customer, read from its export (which creates nothing); null while it has none. */
    String customer(Party p) {
        if (p.customerId == null) {
            JsonNode export = adminGet("/admin/users/" + p.account + "/export").json();
            String found = export.path("customer").path("customerId").asText(null);
            p.customerId = found == null || found.isEmpty() ? null : found;
        }
        return p.customerId;
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------------------------------- Clerk

    /**
     * Clerk's membership event for {@code member}, dated {@code secondsAgo} before the sequence's Clerk clock (a late
     * delivery of an older change when positive), kept for redeliveries but not delivered yet; the model keeps the
     * change only if it supersedes what Clerk said last, which is what the member count must then show.
     */
    ClerkDelivery membershipEvent(String member, boolean joined, int secondsAgo) {
        clerkTime = clerkTime.plusSeconds(5);
        Instant at = clerkTime.minusSeconds(secondsAgo);
        Member last = members.get(member);
        String membershipId = last != null ? last.membershipId() : "orgmem_" + member.substring(5) + "r" + id;
        Party person = parties.stream()
                .filter(p -> p.account.equals(member))
                .findFirst()
                .orElse(null);
        String identifier = person != null ? person.email : member.substring(5) + "@example.test";
        String first = person != null ? person.name.split(" ")[0] : "Member";
        String lastName = person != null ? person.name.split(" ")[1] : "Extra";
        long millis = at.toEpochMilli();
        String body = """
                {"data":{"object":"organization_membership","id":"%s","role":"org:member","permissions":[],\
                "created_at":%d,"updated_at":%d,"organization":{"object":"organization","id":"%s","name":"Acme",\
                "slug":"acme"},"public_user_data":{"user_id":"%s","identifier":"%s","first_name":"%s",\
                "last_name":"%s","image_url":null,"has_image":false}},"object":"event",\
                "type":"organizationMembership.%s","timestamp":%d,"instance_id":"ins_invariants"}""".formatted(
                        membershipId,
                        millis,
                        millis,
                        org.account,
                        member,
                        identifier,
                        first,
                        lastName,
                        joined ? "created" : "deleted",
                        millis);
        ClerkDelivery delivery = new ClerkDelivery(unique("msg_"), body);
        clerkDeliveries.add(delivery);
        Member change = new Member(member, membershipId, joined, at);
        if (last == null || at.isAfter(last.changedAt()) || at.equals(last.changedAt()) && !joined) {
            members.put(member, change);
        }
        return delivery;
    }

    /** Sends Clerk's membership event for {@code member} ({@link #membershipEvent}). */
    void membership(String member, boolean joined, int secondsAgo) {
        deliverClerk(membershipEvent(member, joined, secondsAgo));
    }

    void deliverClerk(ClerkDelivery d) {
        // Svix delivers again what was refused: a 503 while the store fails on purpose is tried again, each attempt
        // signed anew; each refusal used up one of the step's faults, so a few attempts reach one that is recorded.
        for (int attempt = 1; ; attempt++) {
            Instant now = Instant.now();
            byte[] bytes = d.body().getBytes(StandardCharsets.UTF_8);
            Http.Response r = world.http()
                    .post(
                            "/webhooks/clerk",
                            null,
                            d.body(),
                            Map.of(
                                    "svix-id",
                                    d.svixId(),
                                    "svix-timestamp",
                                    Long.toString(now.getEpochSecond()),
                                    "svix-signature",
                                    SvixSignature.sign(SvixSignature.SECRET, d.svixId(), now, bytes)));
            if (attempt < CLERK_ATTEMPTS && failedOnPurpose(r)) {
                answered("POST /webhooks/clerk", r);
                continue;
            }
            checked("POST /webhooks/clerk", r);
            if (r.status() != 200) {
                throw new AssertionError("a signed Clerk delivery was refused: " + r.body());
            }
            return;
        }
    }

    /** The active members Clerk's events say the organization has. */
    long expectedMembers() {
        return members.values().stream().filter(Member::active).count();
    }

    // ------------------------------------------------------------------------------------------ Stripe

    /** The Stripe events emitted since this sequence began (and whatever else the emulator emitted since). */
    List<String> stripeEvents() {
        return stripeEmitted().stream().map(e -> e.id()).toList();
    }

    /** {@link #stripeEvents()} whole: each event's type and payload as Stripe sent it. */
    List<EmittedEvent> stripeEmitted() {
        var events = world.emulator.events();
        return events.subList(Math.min(firstStripeEvent, events.size()), events.size());
    }

    /** Posts a stored Stripe event again, signed now, as Stripe's retry of it would be. */
    void redeliverStripe(String eventId) {
        String json = world.emulator.events().stream()
                .filter(e -> e.id().equals(eventId))
                .findFirst()
                .map(e -> e.json())
                .orElseThrow();
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String signature = StripeSignature.header(World.STRIPE_SECRET, world.emulator.now(), body);
        Http via = world.http();
        Http.Response r = via.send(via.request("/webhooks/stripe")
                .header("Content-Type", "application/json")
                .header("Stripe-Signature", signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
        checked("POST /webhooks/stripe", r);
        if (r.status() != 200) {
            throw new AssertionError("a signed Stripe redelivery was refused: " + r.body());
        }
    }

    // ---------------------------------------------------------------------------------------- settling

    /**
     * Waits until the step's consequences have all landed: the emulator delivered every webhook (and their retries),
     * the inbox processed every event, and whatever that processing asked of Stripe (auto-seats, a duplicate's
     * cancellation) has been delivered and processed too.
     */
    void settle() {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        int quiet = 0;
        while (quiet < 2) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the system did not settle within " + PATIENCE + ": inbox "
                        + world.stores().inbox().countByStatus());
            }
            boolean delivered = world.emulator.awaitDeliveries(PATIENCE);
            long pending = world.stores().inbox().countByStatus().getOrDefault(InboxStatus.PENDING, 0L);
            if (delivered && pending == 0) {
                quiet++;
            } else {
                quiet = 0;
                pause();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(25);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
