package dev.billing.emulator.http;

import com.sun.net.httpserver.HttpServer;
import dev.billing.emulator.CheckoutCompletion;
import dev.billing.emulator.DeliveryAttempt;
import dev.billing.emulator.EmittedEvent;
import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.Fault;
import dev.billing.emulator.RecordedRequest;
import dev.billing.emulator.resource.Checkout;
import dev.billing.emulator.state.EmulatorClock;
import dev.billing.emulator.state.EmulatorState;
import dev.billing.emulator.state.FaultInjector;
import dev.billing.emulator.state.IdempotencyStore;
import dev.billing.emulator.state.RequestLog;
import dev.billing.emulator.state.StateKeeper;
import dev.billing.emulator.wire.ApiError;
import dev.billing.emulator.wire.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The running emulator: every layer wired together behind one HTTP server ({@code /v1} to the API
 * gateway, {@code /_emulator} to the control API, the rest to the hosted pages), webhook delivery,
 * the state file, and what the control API and {@code StripeEmulator} can ask of it. It lives in the
 * top layer so that the control API and the pages can use it without reaching up to the public API.
 */
public final class EmulatorServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EmulatorServer.class.getName());

    private final EmulatorOptions options;
    private final EmulatorClock clock;
    private final EmulatorState state;
    private final ApiResources resources;
    private final SeedLoader seeds;
    private final IdempotencyStore idempotency = new IdempotencyStore();
    private final FaultInjector faults = new FaultInjector();
    private final RequestLog requestLog = new RequestLog();
    private final WebhookDispatcher dispatcher;
    private final ApiGateway gateway;
    private final ControlApi control;
    private final HostedPages pages;
    private final ScheduledExecutorService lifecycle;
    private final StateKeeper keeper;
    private final Object serverLock = new Object();
    private HttpServer server;
    private ExecutorService serverPool;
    private final int port;
    private final String baseUrl;
    private volatile boolean closed;
    private final boolean restored;
    private volatile boolean saving;

    public EmulatorServer(EmulatorOptions options) {
        this.options = options;
        this.clock = new EmulatorClock(Clock.systemUTC(), options.clockStart(), options.frozenClock());
        this.state = new EmulatorState(options, clock);
        this.resources = new ApiResources(state);
        this.seeds = new SeedLoader(state, resources);
        this.dispatcher = new WebhookDispatcher(options, clock);
        this.state.batchSink(events -> dispatcher.publish(state, events));
        Router router = new Router(StripeParams::of);
        resources.register(router);
        this.gateway = new ApiGateway(state, router, idempotency, faults, requestLog);
        this.control = new ControlApi(this, state);
        this.pages = new HostedPages(this, state, resources.products(), router);
        this.keeper =
                options.stateFile() == null ? null : new StateKeeper(options.stateFile(), state, idempotency, clock);
        this.lifecycle =
                Executors.newSingleThreadScheduledExecutor(WebhookDispatcher.daemon("stripe-emulator-lifecycle"));
        try {
            this.server = bind(options.host(), options.port());
        } catch (IOException e) {
            dispatcher.close();
            lifecycle.shutdownNow();
            throw new UncheckedIOException(
                    "cannot bind the Stripe emulator to " + options.host() + ":" + options.port(), e);
        }
        this.port = server.getAddress().getPort();
        this.baseUrl = "http://" + hostForUrl(options.host()) + ":" + port;
        state.hostedBase(options.publicBaseUrl() != null ? options.publicBaseUrl() : baseUrl);
        boolean fromFile = false;
        try {
            fromFile = keeper != null && Files.exists(keeper.file());
            if (fromFile) {
                keeper.load();
            } else if (options.seed() != null) {
                seed(options.seed());
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        this.restored = fromFile;
        if (keeper != null) {
            saving = true;
            long every = options.stateSaveInterval().toMillis();
            lifecycle.scheduleWithFixedDelay(this::saveQuietly, every, every, TimeUnit.MILLISECONDS);
        }
    }

    static {
        // The JDK HttpServer reads this once per JVM; without it every loopback call waits for a delayed ACK.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private HttpServer bind(String host, int bindPort) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress(host, bindPort), 128);
        ExecutorService pool = Executors.newCachedThreadPool(WebhookDispatcher.daemon("stripe-emulator-http"));
        http.setExecutor(pool);
        http.createContext("/", exchange -> {
            try {
                String path = exchange.getRequestURI().getPath();
                if (path.startsWith("/v1/")) {
                    gateway.handle(exchange);
                } else if (path.startsWith("/_emulator")) {
                    control.handle(exchange);
                } else {
                    pages.handle(exchange);
                }
            } catch (RuntimeException | IOException e) {
                LOG.log(System.Logger.Level.WARNING, "emulator request failed", e);
                exchange.close();
            }
        });
        http.start();
        this.serverPool = pool;
        return http;
    }

    private static String hostForUrl(String host) {
        return host.contains(":") ? "[" + host + "]" : host;
    }

    // ================================================================ basics

    public String baseUrl() {
        return baseUrl;
    }

    public int port() {
        return port;
    }

    public EmulatorOptions options() {
        return options;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        lifecycle.shutdownNow();
        synchronized (serverLock) {
            if (server != null) {
                server.stop(0);
                serverPool.shutdownNow();
                server = null;
            }
        }
        dispatcher.close();
        if (saving) { // not when the state file could not be loaded: it stays as it was
            saveQuietly();
        }
    }

    // ================================================================ state file

    public boolean restoredFromStateFile() {
        return restored;
    }

    /**
     * @throws IllegalStateException without a state file
     * @throws UncheckedIOException when the file cannot be written
     */
    public void saveState() {
        if (keeper == null) {
            throw new IllegalStateException("this emulator has no state file (EmulatorOptions.withStateFile)");
        }
        keeper.save();
    }

    private void saveQuietly() {
        try {
            saveState();
        } catch (RuntimeException e) {
            LOG.log(
                    System.Logger.Level.WARNING,
                    "saving the emulator state to " + options.stateFile() + " failed: " + e);
        }
    }

    // ================================================================ clock

    public Clock clock() {
        return clock.asClock(ZoneOffset.UTC);
    }

    public Instant now() {
        return clock.instant();
    }

    public Instant advanceClock(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("the emulator clock cannot go backwards");
        }
        return advanceClockTo(clock.instant().plus(duration));
    }

    public Instant advanceClockTo(Instant target) {
        state.run(() -> resources.time().advanceTo(target.getEpochSecond()));
        return clock.instant();
    }

    // ================================================================ data

    public void reset() {
        state.run(state::clear);
        idempotency.clear();
        faults.clearAll();
        requestLog.clear();
        dispatcher.clearLog();
        dispatcher.resetSwitches();
        if (options.seed() != null) {
            seed(options.seed());
        }
    }

    public Map<String, Object> seed(String location) {
        return seedDocument(SeedLoader.read(location));
    }

    public Map<String, Object> seedDocument(String yamlOrJson) {
        return seeds.apply(SeedLoader.parse(yamlOrJson));
    }

    public String objectJson(String id) {
        return state.tx(() -> {
            Map<String, Object> o = state.store.get(id);
            return o == null ? null : Json.write(state.render(o));
        });
    }

    public List<EmittedEvent> events() {
        return state.tx(() -> {
            List<EmittedEvent> out = new ArrayList<>();
            for (Map<String, Object> e : state.eventLog()) {
                @SuppressWarnings("unchecked")
                Map<String, Object> object = (Map<String, Object>) ((Map<String, Object>) e.get("data")).get("object");
                out.add(new EmittedEvent(
                        (String) e.get("id"),
                        (String) e.get("type"),
                        Instant.ofEpochSecond((Long) e.get("created")),
                        (String) object.get("id"),
                        Json.write(state.render(e))));
            }
            return out;
        });
    }

    // ================================================================ checkout, payments

    /** Completes ({@code declineCode} null) or fails a checkout session as its hosted page would. */
    public CheckoutCompletion checkoutAction(
            String sessionId, String declineCode, String cardNumber, String promotionCode) {
        return tx(() -> resources.checkout().complete(sessionId, declineCode, cardNumber, promotionCode));
    }

    public void taxRatePercent(double percent) {
        state.run(() -> state.taxRatePercent(percent));
    }

    public void upcomingInvoiceDays(int days) {
        state.run(() -> state.upcomingInvoiceDays(days));
    }

    public int upcomingInvoiceDays() {
        return state.upcomingInvoiceDays();
    }

    public void failNextPayment(String customerId, String declineCode) {
        state.run(() -> {
            state.store.require("customer", customerId, "customer");
            state.failNextPayment(customerId, declineCode);
        });
    }

    public String confirmSetupIntent(String setupIntentId, String cardNumber) {
        return tx(() -> (String) resources
                .accounts()
                .confirmSetupIntent(setupIntentId, null, cardNumber)
                .get("payment_method"));
    }

    /**
     * Confirms a payment intent as an app's PaymentSheet would (see {@code Payments.confirmAsApp}); returns the
     * intent as the API shows it.
     */
    public Map<String, Object> confirmPaymentIntent(String paymentIntentId, String cardNumber, boolean authenticated) {
        return tx(() -> resources.payments().confirmAsApp(paymentIntentId, cardNumber, authenticated));
    }

    /** Runs {@code body} in a transaction; a Stripe error becomes the exception a Java caller expects. */
    private <T> T tx(Supplier<T> body) {
        try {
            return state.tx(body);
        } catch (ApiError e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    // ================================================================ webhooks

    public String registerWebhookEndpoint(String url, String secret, List<String> enabledEvents) {
        return tx(() -> (String) resources
                .misc()
                .createEndpoint(url, secret, enabledEvents, null)
                .get("id"));
    }

    public int removeWebhookEndpoints() {
        return state.tx(() -> {
            List<Map<String, Object>> endpoints = state.store.all("webhook_endpoint");
            endpoints.forEach(e -> state.store.remove((String) e.get("id")));
            return endpoints.size();
        });
    }

    public String webhookSecret(String endpointId) {
        return tx(() -> (String)
                state.store.require("webhook_endpoint", endpointId, "id").get("_secret"));
    }

    public List<DeliveryAttempt> deliveryLog() {
        return dispatcher.log();
    }

    public boolean awaitDeliveries(Duration timeout) {
        try {
            return dispatcher.awaitIdle(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    // ================================================================ faults, logs, outages

    /** Accepts another secret key for the same account, until the emulator stops. */
    public void addApiKey(String key) {
        gateway.addApiKey(key);
    }

    public void addFault(Fault fault) {
        faults.add(fault);
    }

    public List<Fault> faults() {
        return faults.pending();
    }

    public boolean removeFault(Fault fault) {
        return faults.remove(fault);
    }

    public void clearFaults() {
        faults.clearAll();
    }

    public List<RecordedRequest> requestLog() {
        return requestLog.all();
    }

    public void clearRequestLog() {
        requestLog.clear();
    }

    public void goDown() {
        synchronized (serverLock) {
            if (closed || server == null) {
                return;
            }
            server.stop(0);
            serverPool.shutdownNow();
            server = null;
        }
    }

    public void comeUp() {
        synchronized (serverLock) {
            if (closed || server != null) {
                return;
            }
            IOException last = null;
            for (int i = 0; i < 50; i++) {
                try {
                    server = bind(options.host(), port);
                    return;
                } catch (IOException e) {
                    last = e;
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
            throw new UncheckedIOException("cannot rebind port " + port, last);
        }
    }

    public void goDownFor(Duration downtime) {
        goDown();
        lifecycle.schedule(this::comeUp, downtime.toMillis(), TimeUnit.MILLISECONDS);
    }

    public boolean isUp() {
        synchronized (serverLock) {
            return server != null;
        }
    }

    // ================================================================ for the control API and the pages

    /** The delivery switches and log; {@code StripeEmulator.webhooks()} wraps them. */
    public WebhookDispatcher dispatcher() {
        return dispatcher;
    }

    Checkout checkout() {
        return resources.checkout();
    }

    ScheduledExecutorService lifecycle() {
        return lifecycle;
    }
}
