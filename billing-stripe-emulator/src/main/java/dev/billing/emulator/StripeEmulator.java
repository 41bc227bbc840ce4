package dev.billing.emulator;

import dev.billing.emulator.http.EmulatorServer;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A stateful, in-process Stripe API emulator that stripe-java talks to over real HTTP.
 *
 * <p>It speaks Stripe's wire format (form-encoded bracket parameters, {@code expand[]}, list
 * pagination, error JSON, idempotency keys, {@code Request-Id}), keeps products, prices, customers,
 * checkout sessions, subscriptions, invoices, payments and events in memory, signs and delivers
 * webhooks, moves its own clock on demand, and can inject faults. Control endpoints live under
 * {@code /_emulator}; hosted pages (checkout, billing portal, invoices) under {@code /checkout},
 * {@code /portal}, {@code /invoice}. See {@code docs/STRIPE_EMULATOR.md}.
 *
 * <p>Usage:
 *
 * <pre>{@code
 * try (StripeEmulator emu = StripeEmulator.start(EmulatorOptions.defaults().withSampleSeed())) {
 *   StripeClient stripe = StripeClient.builder()
 *       .setApiKey(emu.apiKey()).setApiBase(emu.baseUrl()).build();
 *   ...
 *   emu.completeCheckoutSession(session.getId());
 *   emu.advanceClock(Duration.ofDays(31));
 * }
 * }</pre>
 */
public final class StripeEmulator implements AutoCloseable {
    private final EmulatorServer server;
    private final WebhookControls webhookControls;

    private StripeEmulator(EmulatorOptions options) {
        this.server = new EmulatorServer(options);
        this.webhookControls = new WebhookControls(server.dispatcher());
    }

    /** Starts an emulator with {@link EmulatorOptions#defaults()}. Usage: {@code StripeEmulator.start()} */
    public static StripeEmulator start() {
        return start(EmulatorOptions.defaults());
    }

    /** Starts an emulator. Usage: {@code StripeEmulator.start(EmulatorOptions.defaults().withPort(12111))} */
    public static StripeEmulator start(EmulatorOptions options) {
        return new StripeEmulator(options);
    }

    // ================================================================ basics

    /** Where stripe-java should point: {@code http://127.0.0.1:PORT}. */
    public String baseUrl() {
        return server.baseUrl();
    }

    public int port() {
        return server.port();
    }

    /** The secret key clients must send. */
    public String apiKey() {
        return server.options().apiKey();
    }

    /**
     * Accepts another secret key from now on, for the same account (data, events and webhooks are shared), until the
     * emulator stops; {@link #reset()} keeps it. With a {@link Fault#forKey fault for one key}, a second client (a
     * test's own reads, say) is left untouched while the client under test fails.
     */
    public void addApiKey(String key) {
        server.addApiKey(key);
    }

    public EmulatorOptions options() {
        return server.options();
    }

    /**
     * Stops the HTTP server, webhook delivery and all emulator threads; with a state file, saves the
     * state last (webhook deliveries still queued or awaiting a retry are not kept).
     */
    @Override
    public void close() {
        server.close();
    }

    // ================================================================ state file

    /** True when this emulator started from its state file (rather than from empty state and the seed). */
    public boolean restoredFromStateFile() {
        return server.restoredFromStateFile();
    }

    /**
     * Saves the state to the state file now, if it changed since the last save. Done every
     * {@link EmulatorOptions#stateSaveInterval()} and on {@link #close()} anyway.
     *
     * @throws IllegalStateException without a state file
     * @throws UncheckedIOException when the file cannot be written
     */
    public void saveState() {
        server.saveState();
    }

    // ================================================================ clock

    /** Emulated time as a {@link Clock} (UTC), e.g. for the server's local mode. */
    public Clock clock() {
        return server.clock();
    }

    public Instant now() {
        return server.now();
    }

    /**
     * Moves emulated time forward, running renewals, trial ends, {@code trial_will_end} notices,
     * cancellations at period end and checkout expiry in order. Returns the new time.
     */
    public Instant advanceClock(Duration duration) {
        return server.advanceClock(duration);
    }

    /** Like {@link #advanceClock} with an absolute target (ignored if in the past). */
    public Instant advanceClockTo(Instant target) {
        return server.advanceClockTo(target);
    }

    // ================================================================ data

    /** Clears all data, events, logs, faults and idempotency keys; re-applies the configured seed. */
    public void reset() {
        server.reset();
    }

    /** Applies a seed from a file path or {@code classpath:<resource>}; returns what was created. */
    public Map<String, Object> seed(String location) {
        return server.seed(location);
    }

    /** Applies a seed file. */
    public Map<String, Object> seed(Path file) {
        return seed(file.toString());
    }

    /** Applies seed YAML or JSON given as text. */
    public Map<String, Object> seedDocument(String yamlOrJson) {
        return server.seedDocument(yamlOrJson);
    }

    /** The JSON of any stored object by id (as {@code GET} would show it), or null. */
    public String objectJson(String id) {
        return server.objectJson(id);
    }

    /** Every event emitted so far, oldest first. */
    public List<EmittedEvent> events() {
        return server.events();
    }

    // ================================================================ checkout, payments

    /** Completes a checkout session with a good test card, as if the customer paid on the page. */
    public CheckoutCompletion completeCheckoutSession(String sessionId) {
        return server.checkoutAction(sessionId, null, null, null);
    }

    /** Attempts a checkout session with a declined card ({@code generic_decline}). */
    public CheckoutCompletion failCheckoutSession(String sessionId) {
        return failCheckoutSession(sessionId, "generic_decline");
    }

    /** Attempts a checkout session with a card declined with {@code declineCode}. */
    public CheckoutCompletion failCheckoutSession(String sessionId, String declineCode) {
        return server.checkoutAction(sessionId, declineCode, null, null);
    }

    /**
     * The rate Stripe Tax applies to Checkout sessions and subscriptions created with {@code
     * automatic_tax[enabled]} (0 until set; {@link #reset()} sets it back). Usage: {@code
     * emu.taxRatePercent(20)}.
     */
    public void taxRatePercent(double percent) {
        server.taxRatePercent(percent);
    }

    /**
     * How many days before each renewal {@code invoice.upcoming} is sent, from now on (0: none); the
     * start value is {@link EmulatorOptions#upcomingInvoiceDays()}, which {@link #reset()} restores.
     * Usage: {@code emu.upcomingInvoiceDays(3)}.
     */
    public void upcomingInvoiceDays(int days) {
        server.upcomingInvoiceDays(days);
    }

    /** How many days before each renewal {@code invoice.upcoming} is sent (0: none). */
    public int upcomingInvoiceDays() {
        return server.upcomingInvoiceDays();
    }

    /** Makes the next payment attempt of this customer fail with {@code card_declined}. */
    public void failNextPayment(String customerId) {
        failNextPayment(customerId, "generic_decline");
    }

    /** Makes the next payment attempt of this customer fail with the given decline code. */
    public void failNextPayment(String customerId, String declineCode) {
        server.failNextPayment(customerId, declineCode);
    }

    /**
     * Confirms a setup intent as if the customer entered a test card: creates a card payment method
     * ({@code 4242...}), attaches it to the intent's customer, and returns the payment method id.
     */
    public String confirmSetupIntent(String setupIntentId) {
        return confirmSetupIntent(setupIntentId, null);
    }

    /**
     * Confirms a payment intent (a PaymentSheet's, or a {@code default_incomplete} subscription's first invoice's) as
     * the app would with a test card: {@code 4242...} pays, a declining card ({@code 4000000000000002}) leaves it
     * {@code requires_payment_method}, a 3-D Secure card ({@code 4000002500003155}) {@code requires_action} until
     * {@link #authenticatePaymentIntent}. Returns the intent's status.
     */
    public String confirmPaymentIntent(String paymentIntentId, String cardNumber) {
        return (String)
                server.confirmPaymentIntent(paymentIntentId, cardNumber, true).get("status");
    }

    /** The customer answers a {@code requires_action} intent's 3-D Secure challenge; returns the intent's status. */
    public String authenticatePaymentIntent(String paymentIntentId, boolean approve) {
        return (String)
                server.confirmPaymentIntent(paymentIntentId, null, approve).get("status");
    }

    /** Like {@link #confirmSetupIntent(String)} with a specific test card number. */
    public String confirmSetupIntent(String setupIntentId, String cardNumber) {
        return server.confirmSetupIntent(setupIntentId, cardNumber);
    }

    // ================================================================ webhooks

    /**
     * Registers a webhook endpoint receiving every event, signed with {@code secret} (a
     * {@code whsec_...} value is generated when null). Returns the endpoint id.
     */
    public String registerWebhookEndpoint(String url, String secret) {
        return registerWebhookEndpoint(url, secret, List.of("*"));
    }

    /** Registers a webhook endpoint for the given event types ({@code *} for all). */
    public String registerWebhookEndpoint(String url, String secret, List<String> enabledEvents) {
        return server.registerWebhookEndpoint(url, secret, enabledEvents);
    }

    /**
     * Deletes every webhook endpoint and returns how many there were: for a receiver that starts
     * again (on another port, with another secret) on a restored state file and registers itself
     * anew.
     */
    public int removeWebhookEndpoints() {
        return server.removeWebhookEndpoints();
    }

    /** The signing secret of an endpoint. */
    public String webhookSecret(String endpointId) {
        return server.webhookSecret(endpointId);
    }

    /** Delivery switches and the delivery log. */
    public WebhookControls webhooks() {
        return webhookControls;
    }

    /** Every webhook delivery attempt so far. */
    public List<DeliveryAttempt> deliveryLog() {
        return server.deliveryLog();
    }

    /**
     * Waits until no webhook delivery is queued, held (paused), in flight or awaiting a retry.
     * Returns false on timeout.
     */
    public boolean awaitDeliveries(Duration timeout) {
        return server.awaitDeliveries(timeout);
    }

    // ================================================================ faults, logs, outages

    /** Injects a fault for the next matching API request(s). */
    public void addFault(Fault fault) {
        server.addFault(fault);
    }

    /** Pending faults (with remaining counts). */
    public List<Fault> faults() {
        return server.faults();
    }

    /**
     * Withdraws what is left of one fault {@link #addFault added} earlier (the same value), leaving the others.
     *
     * @return false when it was used up (or never added)
     */
    public boolean removeFault(Fault fault) {
        return server.removeFault(fault);
    }

    public void clearFaults() {
        server.clearFaults();
    }

    /** Every API request so far (never the API key; card numbers are masked). */
    public List<RecordedRequest> requestLog() {
        return server.requestLog();
    }

    public void clearRequestLog() {
        server.clearRequestLog();
    }

    /**
     * Takes the server down: the listening socket closes, so connections are refused. State is kept.
     */
    public void goDown() {
        server.goDown();
    }

    /** Brings the server back on the same port after {@link #goDown()}. */
    public void comeUp() {
        server.comeUp();
    }

    /** Goes down now and comes back up after {@code downtime}. */
    public void goDownFor(Duration downtime) {
        server.goDownFor(downtime);
    }

    public boolean isUp() {
        return server.isUp();
    }
}
