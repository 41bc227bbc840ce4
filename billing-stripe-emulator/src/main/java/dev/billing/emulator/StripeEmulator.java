package dev.billing.emulator;

import com.sun.net.httpserver.HttpServer;
import dev.billing.emulator.resource.Checkout;
import dev.billing.emulator.resource.Misc;
import dev.billing.emulator.state.EmulatorClock;
import dev.billing.emulator.state.EmulatorState;
import dev.billing.emulator.state.FaultInjector;
import dev.billing.emulator.state.IdempotencyStore;
import dev.billing.emulator.state.RequestLog;
import dev.billing.emulator.state.StateFile;
import dev.billing.emulator.wire.ApiError;
import dev.billing.emulator.wire.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
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
  private static final System.Logger LOG = System.getLogger(StripeEmulator.class.getName());

  private final EmulatorOptions options;
  private final EmulatorClock clock;
  private final EmulatorState state;
  private final ApiResources resources;
  private final SeedLoader seeds;
  private final IdempotencyStore idempotency = new IdempotencyStore();
  private final FaultInjector faults = new FaultInjector();
  private final RequestLog requestLog = new RequestLog();
  private final WebhookDispatcher dispatcher;
  private final WebhookControls webhookControls;
  private final ApiGateway gateway;
  private final ControlApi control;
  private final HostedPages pages;
  private final ScheduledExecutorService lifecycle;
  private final Object serverLock = new Object();
  private HttpServer server;
  private ExecutorService serverPool;
  private final int port;
  private final String baseUrl;
  private volatile boolean closed;
  private final Object saveLock = new Object();
  private long savedChanges = -1;
  private String savedText;
  private final boolean restored;
  private volatile boolean saving;

  private StripeEmulator(EmulatorOptions options) {
    this.options = options;
    this.clock = new EmulatorClock(Clock.systemUTC(), options.clockStart(), options.frozenClock());
    this.state = new EmulatorState(options, clock);
    this.resources = new ApiResources(state);
    this.seeds = new SeedLoader(state, resources);
    this.dispatcher = new WebhookDispatcher(options, clock);
    this.webhookControls = new WebhookControls(dispatcher);
    this.state.batchSink(events -> dispatcher.publish(state, events));
    Router router = new Router(StripeParams::of);
    resources.register(router);
    this.gateway = new ApiGateway(state, router, idempotency, faults, requestLog);
    this.control = new ControlApi(this, state);
    this.pages = new HostedPages(this, state, resources.products(), router);
    this.lifecycle = Executors.newSingleThreadScheduledExecutor(
        WebhookDispatcher.daemon("stripe-emulator-lifecycle"));
    try {
      this.server = bind(options.host(), options.port());
    } catch (IOException e) {
      dispatcher.close();
      lifecycle.shutdownNow();
      throw new UncheckedIOException("cannot bind the Stripe emulator to "
          + options.host() + ":" + options.port(), e);
    }
    this.port = server.getAddress().getPort();
    this.baseUrl = "http://" + hostForUrl(options.host()) + ":" + port;
    state.hostedBase(options.publicBaseUrl() != null ? options.publicBaseUrl() : baseUrl);
    boolean fromFile = false;
    try {
      fromFile = options.stateFile() != null && java.nio.file.Files.exists(options.stateFile());
      if (fromFile) {
        loadState(options.stateFile());
      } else if (options.seed() != null) {
        seed(options.seed());
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
    this.restored = fromFile;
    if (options.stateFile() != null) {
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

  /** Starts an emulator with {@link EmulatorOptions#defaults()}. Usage: {@code StripeEmulator.start()} */
  public static StripeEmulator start() {
    return start(EmulatorOptions.defaults());
  }

  /** Starts an emulator. Usage: {@code StripeEmulator.start(EmulatorOptions.defaults().withPort(12111))} */
  public static StripeEmulator start(EmulatorOptions options) {
    return new StripeEmulator(options);
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

  /** Where stripe-java should point: {@code http://127.0.0.1:PORT}. */
  public String baseUrl() {
    return baseUrl;
  }

  public int port() {
    return port;
  }

  /** The secret key clients must send. */
  public String apiKey() {
    return options.apiKey();
  }

  public EmulatorOptions options() {
    return options;
  }

  /**
   * Stops the HTTP server, webhook delivery and all emulator threads; with a state file, saves the
   * state last (webhook deliveries still queued or awaiting a retry are not kept).
   */
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

  /** True when this emulator started from its state file (rather than from empty state and the seed). */
  public boolean restoredFromStateFile() {
    return restored;
  }

  /**
   * Saves the state to the state file now, if it changed since the last save. Done every
   * {@link EmulatorOptions#stateSaveInterval()} and on {@link #close()} anyway.
   *
   * @throws IllegalStateException without a state file
   * @throws UncheckedIOException when the file cannot be written
   */
  public void saveState() {
    Path file = options.stateFile();
    if (file == null) {
      throw new IllegalStateException("this emulator has no state file (EmulatorOptions.withStateFile)");
    }
    synchronized (saveLock) {
      long changes = state.changes();
      if (changes == savedChanges) {
        return;
      }
      String text = state.locked(() -> {
        Map<String, Object> roots = state.snapshotRoots();
        roots.put("idempotency", idempotency.snapshot());
        roots.put("clock", Json.obj("emulated", clock.instant().toString(),
            "wall", clock.wallNow().toString()));
        return StateFile.encode(roots);
      });
      if (!text.equals(savedText)) {
        StateFile.write(file, text);
        savedText = text;
      }
      savedChanges = changes;
    }
  }

  private void saveQuietly() {
    try {
      saveState();
    } catch (RuntimeException e) {
      LOG.log(System.Logger.Level.WARNING, "saving the emulator state to " + options.stateFile()
          + " failed: " + e);
    }
  }

  @SuppressWarnings("unchecked")
  private void loadState(Path file) {
    Map<String, Object> roots;
    try {
      roots = StateFile.decode(StateFile.read(file));
    } catch (RuntimeException e) {
      throw new IllegalStateException("cannot restore the Stripe emulator from " + file + " (" + e.getMessage()
          + "); delete the file to start from the seed again", e);
    }
    Map<String, Object> savedClock = (Map<String, Object>) roots.get("clock");
    state.locked(() -> {
      state.restore(roots);
      return null;
    });
    idempotency.restore((Map<String, Object>) roots.get("idempotency"));
    clock.restore(Instant.parse((String) savedClock.get("emulated")),
        Instant.parse((String) savedClock.get("wall")));
    synchronized (saveLock) {
      savedChanges = state.changes();
      savedText = null;
    }
  }

  // ================================================================ clock

  /** Emulated time as a {@link Clock} (UTC), e.g. for the server's local mode. */
  public Clock clock() {
    return clock.asClock(ZoneOffset.UTC);
  }

  public Instant now() {
    return clock.instant();
  }

  /**
   * Moves emulated time forward, running renewals, trial ends, {@code trial_will_end} notices,
   * cancellations at period end and checkout expiry in order. Returns the new time.
   */
  public Instant advanceClock(Duration duration) {
    if (duration.isNegative()) {
      throw new IllegalArgumentException("the emulator clock cannot go backwards");
    }
    return advanceClockTo(clock.instant().plus(duration));
  }

  /** Like {@link #advanceClock} with an absolute target (ignored if in the past). */
  public Instant advanceClockTo(Instant target) {
    state.run(() -> resources.time().advanceTo(target.getEpochSecond()));
    return clock.instant();
  }

  // ================================================================ data

  /** Clears all data, events, logs, faults and idempotency keys; re-applies the configured seed. */
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

  /** Applies a seed from a file path or {@code classpath:<resource>}; returns what was created. */
  public Map<String, Object> seed(String location) {
    return seedDocument(SeedLoader.read(location));
  }

  /** Applies a seed file. */
  public Map<String, Object> seed(Path file) {
    return seed(file.toString());
  }

  /** Applies seed YAML or JSON given as text. */
  public Map<String, Object> seedDocument(String yamlOrJson) {
    return seeds.apply(SeedLoader.parse(yamlOrJson));
  }

  /** The JSON of any stored object by id (as {@code GET} would show it), or null. */
  public String objectJson(String id) {
    return state.tx(() -> {
      Map<String, Object> o = state.store.get(id);
      return o == null ? null : Json.write(state.render(o));
    });
  }

  /** Every event emitted so far, oldest first. */
  public List<EmittedEvent> events() {
    return state.tx(() -> {
      List<EmittedEvent> out = new ArrayList<>();
      for (Map<String, Object> e : state.eventLog()) {
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) ((Map<String, Object>) e.get("data")).get("object");
        out.add(new EmittedEvent((String) e.get("id"), (String) e.get("type"),
            Instant.ofEpochSecond((Long) e.get("created")), (String) object.get("id"),
            Json.write(state.render(e))));
      }
      return out;
    });
  }

  // ================================================================ checkout, payments

  /** Completes a checkout session with a good test card, as if the customer paid on the page. */
  public CheckoutCompletion completeCheckoutSession(String sessionId) {
    return checkoutAction(sessionId, null, null, null);
  }

  /** Attempts a checkout session with a declined card ({@code generic_decline}). */
  public CheckoutCompletion failCheckoutSession(String sessionId) {
    return failCheckoutSession(sessionId, "generic_decline");
  }

  /** Attempts a checkout session with a card declined with {@code declineCode}. */
  public CheckoutCompletion failCheckoutSession(String sessionId, String declineCode) {
    return checkoutAction(sessionId, declineCode, null, null);
  }

  CheckoutCompletion checkoutAction(String sessionId, String declineCode, String cardNumber,
      String promotionCode) {
    return tx(() -> resources.checkout().complete(sessionId, declineCode, cardNumber, promotionCode));
  }

  /**
   * The rate Stripe Tax applies to Checkout sessions and subscriptions created with {@code
   * automatic_tax[enabled]} (0 until set; {@link #reset()} sets it back). Usage: {@code
   * emu.taxRatePercent(20)}.
   */
  public void taxRatePercent(double percent) {
    state.run(() -> state.taxRatePercent(percent));
  }
  /**
   * How many days before each renewal {@code invoice.upcoming} is sent, from now on (0: none); the
   * start value is {@link EmulatorOptions#upcomingInvoiceDays()}, which {@link #reset()} restores.
   * Usage: {@code emu.upcomingInvoiceDays(3)}.
   */
  public void upcomingInvoiceDays(int days) {
    state.run(() -> state.upcomingInvoiceDays(days));
  }

  /** How many days before each renewal {@code invoice.upcoming} is sent (0: none). */
  public int upcomingInvoiceDays() {
    return state.upcomingInvoiceDays();
  }

  /** Makes the next payment attempt of this customer fail with {@code card_declined}. */
  public void failNextPayment(String customerId) {
    failNextPayment(customerId, "generic_decline");
  }

  /** Makes the next payment attempt of this customer fail with the given decline code. */
  public void failNextPayment(String customerId, String declineCode) {
    state.run(() -> {
      state.store.require("customer", customerId, "customer");
      state.failNextPayment(customerId, declineCode);
    });
  }

  /**
   * Confirms a setup intent as if the customer entered a test card: creates a card payment method
   * ({@code 4242...}), attaches it to the intent's customer, and returns the payment method id.
   */
  public String confirmSetupIntent(String setupIntentId) {
    return confirmSetupIntent(setupIntentId, null);
  }

  /** Like {@link #confirmSetupIntent(String)} with a specific test card number. */
  public String confirmSetupIntent(String setupIntentId, String cardNumber) {
    return tx(() -> (String) resources.accounts().confirmSetupIntent(setupIntentId, null, cardNumber)
        .get("payment_method"));
  }

  private <T> T tx(java.util.function.Supplier<T> body) {
    try {
      return state.tx(body);
    } catch (ApiError e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
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
    return tx(() -> (String) resources.misc().createEndpoint(url, secret, enabledEvents, null).get("id"));
  }

  /**
   * Deletes every webhook endpoint and returns how many there were: for a receiver that starts
   * again (on another port, with another secret) on a restored state file and registers itself
   * anew.
   */
  public int removeWebhookEndpoints() {
    return state.tx(() -> {
      List<Map<String, Object>> endpoints = state.store.all("webhook_endpoint");
      endpoints.forEach(e -> state.store.remove((String) e.get("id")));
      return endpoints.size();
    });
  }

  /** The signing secret of an endpoint. */
  public String webhookSecret(String endpointId) {
    return tx(() -> (String) state.store.require("webhook_endpoint", endpointId, "id").get("_secret"));
  }

  /** Delivery switches and the delivery log. */
  public WebhookControls webhooks() {
    return webhookControls;
  }

  /** Every webhook delivery attempt so far. */
  public List<DeliveryAttempt> deliveryLog() {
    return dispatcher.log();
  }

  /**
   * Waits until no webhook delivery is queued, held (paused), in flight or awaiting a retry.
   * Returns false on timeout.
   */
  public boolean awaitDeliveries(Duration timeout) {
    try {
      return dispatcher.awaitIdle(timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  // ================================================================ faults, logs, outages

  /** Injects a fault for the next matching API request(s). */
  public void addFault(Fault fault) {
    faults.add(fault);
  }

  /** Pending faults (with remaining counts). */
  public List<Fault> faults() {
    return faults.pending();
  }

  public void clearFaults() {
    faults.clearAll();
  }

  /** Every API request so far (never the API key; card numbers are masked). */
  public List<RecordedRequest> requestLog() {
    return requestLog.all();
  }

  public void clearRequestLog() {
    requestLog.clear();
  }

  /**
   * Takes the server down: the listening socket closes, so connections are refused. State is kept.
   */
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

  /** Brings the server back on the same port after {@link #goDown()}. */
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

  /** Goes down now and comes back up after {@code downtime}. */
  public void goDownFor(Duration downtime) {
    goDown();
    lifecycle.schedule(this::comeUp, downtime.toMillis(), TimeUnit.MILLISECONDS);
  }

  public boolean isUp() {
    synchronized (serverLock) {
      return server != null;
    }
  }

  // package-private access for the control API and pages
  Checkout checkout() {
    return resources.checkout();
  }

  Misc misc() {
    return resources.misc();
  }

  WebhookDispatcher dispatcher() {
    return dispatcher;
  }

  ScheduledExecutorService lifecycle() {
    return lifecycle;
  }
}
