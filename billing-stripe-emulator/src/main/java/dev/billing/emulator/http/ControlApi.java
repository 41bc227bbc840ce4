package dev.billing.emulator.http;

import com.sun.net.httpserver.HttpExchange;
import dev.billing.emulator.CheckoutCompletion;
import dev.billing.emulator.DeliveryAttempt;
import dev.billing.emulator.EmittedEvent;
import dev.billing.emulator.EmulatorOptions;
import dev.billing.emulator.Fault;
import dev.billing.emulator.FaultKind;
import dev.billing.emulator.RecordedRequest;
import dev.billing.emulator.state.EmulatorState;
import dev.billing.emulator.state.Ids;
import dev.billing.emulator.wire.ApiError;
import dev.billing.emulator.wire.FormCodec;
import dev.billing.emulator.wire.Json;
import dev.billing.emulator.wire.Params;
import dev.billing.emulator.wire.Routes;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The {@code /_emulator} control API (no authentication): reset, seed, clock, checkout
 * completion, payment failures, setup intents, faults, webhook switches, logs. Bodies may be
 * form-encoded or JSON; responses are JSON.
 */
final class ControlApi {
    private final EmulatorServer emulator;
    private final EmulatorState state;
    private final Router router = new Router();

    ControlApi(EmulatorServer emulator, EmulatorState state) {
        this.emulator = emulator;
        this.state = state;
        routes();
    }

    private void routes() {
        router.add("GET", "/_emulator", c -> index());
        router.add(
                "GET",
                "/_emulator/health",
                c -> Json.obj(
                        "ok",
                        true,
                        "base_url",
                        emulator.baseUrl(),
                        "api_version",
                        state.options.apiVersion(),
                        "now",
                        emulator.now().getEpochSecond()));
        router.add("POST", "/_emulator/reset", c -> {
            emulator.reset();
            return Json.obj("reset", true);
        });
        router.add("POST", "/_emulator/seed", this::seed);

        router.add("GET", "/_emulator/clock", c -> clock());
        router.add("POST", "/_emulator/clock/advance", c -> {
            emulator.advanceClock(duration(c.params()));
            return clock();
        });

        router.add("POST", "/_emulator/checkout/sessions/{id}/complete", c -> {
            Params p = c.params();
            String outcome = p.oneOf("outcome", "success", "success", "fail");
            String decline = "fail".equals(outcome)
                    ? (p.strOrNull("decline_code") != null ? p.strOrNull("decline_code") : "generic_decline")
                    : null;
            CheckoutCompletion result = emulator.checkoutAction(
                    c.var("id"), decline, p.strOrNull("card_number"), p.strOrNull("promotion_code"));
            return completion(result);
        });
        router.add("POST", "/_emulator/customers/{id}/fail_next_payment", c -> {
            String decline = c.params().strOrNull("decline_code");
            emulator.failNextPayment(c.var("id"), decline == null ? "generic_decline" : decline);
            return Json.obj("customer", c.var("id"), "decline_code", decline == null ? "generic_decline" : decline);
        });
        router.add("POST", "/_emulator/tax", c -> {
            Double rate = c.params().dbl("rate_percent");
            if (rate == null) {
                throw ApiError.missingParam("rate_percent");
            }
            emulator.taxRatePercent(rate);
            return Json.obj("rate_percent", rate);
        });
        router.add("GET", "/_emulator/invoice_upcoming", c -> Json.obj("days", (long) emulator.upcomingInvoiceDays()));
        router.add("POST", "/_emulator/invoice_upcoming", c -> {
            Long days = c.params().lng("days");
            if (days == null) {
                throw ApiError.missingParam("days");
            }
            if (days < 0 || days > EmulatorOptions.MAX_UPCOMING_INVOICE_DAYS) {
                throw ApiError.invalid(
                        "days must be a whole number from 0 (no invoice.upcoming) to "
                                + EmulatorOptions.MAX_UPCOMING_INVOICE_DAYS + ".",
                        "days");
            }
            emulator.upcomingInvoiceDays(days.intValue());
            return Json.obj("days", days);
        });
        router.add("POST", "/_emulator/payment_intents/{id}/confirm", c -> {
            String outcome = c.params().oneOf("authentication", "approve", "approve", "fail");
            return emulator.confirmPaymentIntent(
                    c.var("id"), c.params().strOrNull("card_number"), "approve".equals(outcome));
        });
        router.add("POST", "/_emulator/setup_intents/{id}/confirm", c -> {
            String pm = emulator.confirmSetupIntent(c.var("id"), c.params().strOrNull("card_number"));
            return Json.obj("setup_intent", c.var("id"), "payment_method", pm, "status", "succeeded");
        });

        router.add("GET", "/_emulator/faults", c -> Json.obj("faults", faultsJson()));
        router.add("POST", "/_emulator/faults", c -> {
            Params p = c.params();
            Fault fault;
            try {
                fault = new Fault(
                        FaultKind.parse(p.requireStr("kind")),
                        p.strOrNull("method"),
                        p.strOrNull("path"),
                        (int) p.lng("times", 1),
                        p.lng("duration_ms") == null ? null : Duration.ofMillis(p.lng("duration_ms")),
                        p.bool("should_retry"),
                        p.strOrNull("api_key"));
            } catch (IllegalArgumentException e) {
                throw ApiError.invalid(e.getMessage(), "kind");
            }
            emulator.addFault(fault);
            return Json.obj("faults", faultsJson());
        });
        router.add("POST", "/_emulator/api_keys", c -> {
            String key = c.params().requireStr("key");
            try {
                emulator.addApiKey(key);
            } catch (IllegalArgumentException e) {
                throw ApiError.invalid(e.getMessage(), "key");
            }
            return Json.obj("added", EmulatorOptions.mask(key));
        });
        router.add("DELETE", "/_emulator/faults", c -> {
            emulator.clearFaults();
            return Json.obj("faults", List.of());
        });

        router.add("GET", "/_emulator/webhooks", c -> emulator.dispatcher().settings());
        router.add("POST", "/_emulator/webhooks", c -> {
            Params p = c.params();
            WebhookDispatcher w = emulator.dispatcher();
            if (p.lng("duplicate") != null) {
                w.duplicate(p.lng("duplicate").intValue());
            }
            if (p.lng("delay_ms") != null) {
                w.delay(Duration.ofMillis(p.lng("delay_ms")));
            }
            if (p.bool("reorder") != null) {
                w.reorder(p.bool("reorder"));
            }
            if (p.bool("paused") != null) {
                if (p.bool("paused")) {
                    w.pause();
                } else {
                    w.resume();
                }
            }
            return emulator.dispatcher().settings();
        });
        router.add("POST", "/_emulator/webhooks/pause", c -> {
            emulator.dispatcher().pause();
            return emulator.dispatcher().settings();
        });
        router.add("POST", "/_emulator/webhooks/resume", c -> {
            emulator.dispatcher().resume();
            return emulator.dispatcher().settings();
        });
        router.add("POST", "/_emulator/webhooks/reset", c -> {
            emulator.dispatcher().resetSwitches();
            return emulator.dispatcher().settings();
        });
        router.add("POST", "/_emulator/webhooks/endpoints", c -> {
            Params p = c.params();
            List<String> events = p.strList("enabled_events");
            String id = emulator.registerWebhookEndpoint(
                    p.requireStr("url"), p.strOrNull("secret"), events.isEmpty() ? List.of("*") : events);
            return Json.obj("id", id, "url", p.requireStr("url"), "secret", emulator.webhookSecret(id));
        });
        router.add("GET", "/_emulator/webhooks/await", c -> {
            long timeout = c.params().lng("timeout_ms", 10_000);
            return Json.obj("idle", emulator.awaitDeliveries(Duration.ofMillis(timeout)));
        });

        router.add("GET", "/_emulator/requests", c -> {
            String method = c.params().strOrNull("method");
            String prefix = c.params().strOrNull("path_prefix");
            List<Object> out = new ArrayList<>();
            for (RecordedRequest r : emulator.requestLog()) {
                if ((method == null || method.equalsIgnoreCase(r.method()))
                        && (prefix == null || r.path().startsWith(prefix))) {
                    out.add(Json.obj(
                            "request_id",
                            r.requestId(),
                            "at",
                            r.at().getEpochSecond(),
                            "method",
                            r.method(),
                            "path",
                            r.path(),
                            "idempotency_key",
                            r.idempotencyKey(),
                            "params",
                            r.params(),
                            "status",
                            (long) r.status(),
                            "replayed",
                            r.replayed(),
                            "fault",
                            r.fault()));
                }
            }
            return Json.obj("requests", out);
        });
        router.add("DELETE", "/_emulator/requests", c -> {
            emulator.clearRequestLog();
            return Json.obj("requests", List.of());
        });
        router.add("GET", "/_emulator/deliveries", c -> {
            String eventId = c.params().strOrNull("event_id");
            String type = c.params().strOrNull("type");
            List<Object> out = new ArrayList<>();
            for (DeliveryAttempt d : emulator.deliveryLog()) {
                if ((eventId == null || eventId.equals(d.eventId())) && (type == null || type.equals(d.eventType()))) {
                    out.add(Json.obj(
                            "event_id",
                            d.eventId(),
                            "event_type",
                            d.eventType(),
                            "endpoint_id",
                            d.endpointId(),
                            "url",
                            d.url(),
                            "attempt",
                            (long) d.attempt(),
                            "copy",
                            (long) d.copy(),
                            "status",
                            (long) d.status(),
                            "error",
                            d.error(),
                            "at",
                            d.at().toString()));
                }
            }
            return Json.obj("deliveries", out);
        });
        router.add("DELETE", "/_emulator/deliveries", c -> {
            emulator.dispatcher().clearLog();
            return Json.obj("deliveries", List.of());
        });
        router.add("GET", "/_emulator/events", c -> {
            List<Object> out = new ArrayList<>();
            for (EmittedEvent e : emulator.events()) {
                out.add(Json.obj(
                        "id",
                        e.id(),
                        "type",
                        e.type(),
                        "created",
                        e.created().getEpochSecond(),
                        "object_id",
                        e.objectId()));
            }
            return Json.obj("events", out);
        });
        router.add("POST", "/_emulator/down", c -> {
            long ms = c.params().lng("duration_ms", 1000);
            // Answer first, then drop the listener; it comes back after the downtime.
            emulator.lifecycle().schedule(() -> emulator.goDownFor(Duration.ofMillis(ms)), 50, TimeUnit.MILLISECONDS);
            return Json.obj("down_for_ms", ms);
        });
    }

    private Map<String, Object> index() {
        List<String> routes = List.of(
                "GET /_emulator/health",
                "POST /_emulator/reset",
                "POST /_emulator/seed",
                "GET /_emulator/clock",
                "POST /_emulator/clock/advance",
                "POST /_emulator/checkout/sessions/{id}/complete",
                "POST /_emulator/customers/{id}/fail_next_payment",
                "POST /_emulator/payment_intents/{id}/confirm",
                "POST /_emulator/setup_intents/{id}/confirm",
                "POST /_emulator/tax",
                "GET|POST /_emulator/invoice_upcoming",
                "GET|POST|DELETE /_emulator/faults",
                "POST /_emulator/api_keys",
                "GET|POST /_emulator/webhooks",
                "POST /_emulator/webhooks/pause",
                "POST /_emulator/webhooks/resume",
                "POST /_emulator/webhooks/reset",
                "POST /_emulator/webhooks/endpoints",
                "GET /_emulator/webhooks/await",
                "GET|DELETE /_emulator/requests",
                "GET|DELETE /_emulator/deliveries",
                "GET /_emulator/events",
                "POST /_emulator/down");
        return Json.obj("routes", routes);
    }

    private Map<String, Object> clock() {
        Instant now = emulator.now();
        return Json.obj(
                "now",
                now.getEpochSecond(),
                "iso",
                now.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    }

    private Map<String, Object> seed(Routes.Call c) {
        Params p = c.params();
        Map<String, Object> counts;
        if (p.strOrNull("resource") != null) {
            counts = emulator.seed("classpath:" + p.strOrNull("resource"));
        } else if (p.strOrNull("path") != null) {
            counts = emulator.seed(p.strOrNull("path"));
        } else {
            String body = (String) p.raw().get("\u0000body");
            if (body == null || body.isBlank()) {
                throw ApiError.invalid("Send a YAML/JSON seed document as the body, or `resource`/`path`.", null);
            }
            counts = emulator.seedDocument(body);
        }
        return Json.obj("created", counts);
    }

    private static Duration duration(Params p) {
        Duration total = Duration.ZERO;
        if (p.strOrNull("duration") != null) {
            try {
                total = total.plus(Duration.parse(p.strOrNull("duration")));
            } catch (DateTimeParseException e) {
                throw ApiError.invalid("Invalid ISO-8601 duration: " + p.strOrNull("duration"), "duration");
            }
        }
        total = total.plusSeconds(p.lng("seconds", 0));
        total = total.plusMinutes(p.lng("minutes", 0));
        total = total.plusHours(p.lng("hours", 0));
        total = total.plusDays(p.lng("days", 0));
        if (total.isNegative() || total.isZero()) {
            throw ApiError.invalid(
                    "Give a positive `duration` (ISO-8601, e.g. P30D) or `seconds`, " + "`minutes`, `hours`, `days`.",
                    "duration");
        }
        return total;
    }

    private List<Object> faultsJson() {
        List<Object> out = new ArrayList<>();
        for (Fault f : emulator.faults()) {
            out.add(Json.obj(
                    "kind",
                    f.kind().wireName(),
                    "method",
                    f.method(),
                    "path",
                    f.pathPrefix(),
                    "times",
                    (long) f.times(),
                    "duration_ms",
                    f.duration().toMillis(),
                    "should_retry",
                    f.shouldRetry(),
                    "api_key",
                    f.apiKey() == null ? null : EmulatorOptions.mask(f.apiKey())));
        }
        return out;
    }

    private static Map<String, Object> completion(CheckoutCompletion r) {
        return Json.obj(
                "session",
                r.sessionId(),
                "status",
                r.status(),
                "payment_status",
                r.paymentStatus(),
                "customer",
                r.customerId(),
                "subscription",
                r.subscriptionId(),
                "invoice",
                r.invoiceId(),
                "payment_intent",
                r.paymentIntentId(),
                "payment_method",
                r.paymentMethodId(),
                "decline_code",
                r.declineCode());
    }

    void handle(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod().toUpperCase(Locale.ROOT);
        String path = ex.getRequestURI().getPath();
        if (path.endsWith("/") && path.length() > 1) {
            path = path.substring(0, path.length() - 1);
        }
        byte[] raw = ex.getRequestBody().readAllBytes();
        String body = new String(raw, StandardCharsets.UTF_8);
        String contentType = ex.getRequestHeaders().getFirst("Content-Type");
        int status = 200;
        Map<String, Object> response;
        try {
            Map<String, Object> params =
                    new LinkedHashMap<>(FormCodec.decodeTree(ex.getRequestURI().getRawQuery()));
            if (contentType != null
                    && contentType.toLowerCase(Locale.ROOT).contains("json")
                    && !body.isBlank()
                    && !path.equals("/_emulator/seed")) {
                params.putAll(SeedLoader.params(Json.parseObject(body)).raw());
            } else if (contentType != null
                    && contentType.toLowerCase(Locale.ROOT).contains("x-www-form-urlencoded")
                    && !path.equals("/_emulator/seed")) {
                params.putAll(FormCodec.decodeTree(body));
            }
            params.put("\u0000body", body);
            Router.Match match = router.match(method, path);
            if (match == null) {
                throw new ApiError(
                        404,
                        "invalid_request_error",
                        "resource_missing",
                        "Unknown control route " + method + " " + path + " (see GET /_emulator).",
                        null,
                        null);
            }
            Routes.Call call = new Routes.Call(method, path, match.vars(), new Params(params), Ids.requestId(), null);
            response = match.handler().handle(call);
        } catch (ApiError e) {
            status = e.status;
            response = e.body();
        } catch (IllegalArgumentException | IllegalStateException e) {
            ApiError error = e.getCause() instanceof ApiError api ? api : ApiError.invalid(e.getMessage(), null);
            status = error.status;
            response = error.body();
        }
        byte[] bytes = Json.write(response).getBytes(StandardCharsets.UTF_8);
        try {
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.getResponseHeaders().set("Request-Id", Ids.requestId());
            ex.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        } finally {
            ex.close();
        }
    }
}
