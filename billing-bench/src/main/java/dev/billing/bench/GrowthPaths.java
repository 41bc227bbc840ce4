package dev.billing.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;
import java.util.function.Predicate;

/**
 * The growth scenario's hot paths, each measured over real HTTP against the server {@code serve} wires: the loaded
 * ones ({@code GET /me/entitlements}, {@code POST /usage}, the catalog) by the closed-loop generator, the admin ones
 * one request at a time (as an operator or a back office asks them). Every answer is checked, so a fast error never
 * counts as a fast answer.
 */
final class GrowthPaths {
    /** What one path measured, before the scenario adds the table scans seen meanwhile. */
    record Measured(
            GrowthReport.Kind kind,
            double figure,
            double p90Ms,
            long requests,
            long errors,
            List<BenchReport.Check> checks) {}

    private static final AtomicLong KEYS = new AtomicLong();

    private final BenchEnvironment env;
    private final HttpClient client = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    private final URI base;
    private String dashboardCookie;

    GrowthPaths(BenchEnvironment env) {
        this.env = env;
        InetSocketAddress a = env.serverAddress();
        this.base = URI.create("http://" + a.getHostString() + ":" + a.getPort());
    }

    /** {@code connections} senders for {@code measure} after {@code warmup}; answers 200 with the expected text. */
    Measured load(LoadRunner.Result r) {
        BenchReport.Latency l = BenchReport.Latency.of(r.latency());
        List<BenchReport.Check> checks = new ArrayList<>();
        checks.add(new BenchReport.Check(
                "every answer 200 with the expected content",
                r.errors() == 0,
                r.errors() + " errors " + r.statuses()
                        + (r.errorSamples().isEmpty()
                                ? ""
                                : " e.g. " + r.errorSamples().get(0))));
        return new Measured(GrowthReport.Kind.THROUGHPUT, r.perSecond(), l.p90(), r.requests(), r.errors(), checks);
    }

    LoadRunner.Result entitlements(ReadScenarios.Users users, int connections, Duration warmup, Duration measure) {
        return ReadScenarios.entitlements(env.serverAddress(), env.hostHeader(), users, connections, warmup, measure);
    }

    LoadRunner.Result catalog(ReadScenarios.Users users, int connections, Duration warmup, Duration measure) {
        return ReadScenarios.catalog(env.serverAddress(), env.hostHeader(), users, connections, warmup, measure);
    }

    /** {@code POST /usage} of one {@code api_calls}, each with a new Idempotency-Key, users in turn. */
    LoadRunner.Result usage(ReadScenarios.Users users, int connections, Duration warmup, Duration measure) {
        String host = env.hostHeader();
        byte[] body = "{\"meter\":\"api_calls\",\"amount\":1}".getBytes(StandardCharsets.US_ASCII);
        byte[] used = "\"used\":".getBytes(StandardCharsets.US_ASCII);
        return LoadRunner.forDuration(
                env.serverAddress(),
                connections,
                index -> new ReadScenarios.Reader(
                        users.ids().size(),
                        u -> {
                            byte[] head = ("POST /usage HTTP/1.1\r\nHost: " + host
                                            + "\r\nContent-Type: application/json\r\nAccept: application/json\r\n"
                                            + "Authorization: Bearer "
                                            + users.tokens().get(u)
                                            + "\r\nIdempotency-Key: g" + KEYS.incrementAndGet()
                                            + "\r\nX-Forwarded-For: 10." + (u >> 16 & 255) + "." + (u >> 8 & 255)
                                            + "." + (u & 255) + "\r\nContent-Length: " + body.length + "\r\n\r\n")
                                    .getBytes(StandardCharsets.US_ASCII);
                            byte[] request = Arrays.copyOf(head, head.length + body.length);
                            System.arraycopy(body, 0, request, head.length, body.length);
                            return request;
                        },
                        index,
                        connections,
                        used),
                warmup,
                measure);
    }

    /**
     * {@code rounds} requests one at a time after {@code warmup} unmeasured ones, request {@code i} built by
     * {@code request}; the figure is the median in ms. An answer that fails {@code ok} is an error.
     */
    Measured sequential(int warmup, int rounds, IntFunction<HttpRequest> request, Predicate<HttpResponse<String>> ok)
            throws IOException, InterruptedException {
        double[] ms = new double[rounds];
        long errors = 0;
        String firstError = null;
        for (int i = -warmup; i < rounds; i++) {
            HttpRequest r = request.apply(i + warmup);
            long start = System.nanoTime();
            HttpResponse<String> answer = client.send(r, HttpResponse.BodyHandlers.ofString());
            long took = System.nanoTime() - start;
            if (!ok.test(answer)) {
                errors++;
                if (firstError == null) {
                    firstError = r.method() + " " + r.uri().getPath() + " answered " + answer.statusCode() + ": "
                            + answer.body()
                                    .substring(0, Math.min(200, answer.body().length()));
                }
            }
            if (i >= 0) {
                ms[i] = took / 1e6;
            }
        }
        Arrays.sort(ms);
        List<BenchReport.Check> checks = List.of(new BenchReport.Check(
                "every answer as expected",
                errors == 0,
                errors + " unexpected" + (firstError == null ? "" : ", e.g. " + firstError)));
        return new Measured(
                GrowthReport.Kind.LATENCY,
                ms[rounds / 2],
                ms[Math.min(rounds - 1, (int) (rounds * 0.9))],
                warmup + rounds,
                errors,
                checks);
    }

    HttpRequest admin(String method, String path) {
        return HttpRequest.newBuilder(base.resolve(path))
                .header("Authorization", "Bearer " + BenchEnvironment.ADMIN_TOKEN)
                .header("Accept", "application/json")
                .method(method, HttpRequest.BodyPublishers.noBody())
                .timeout(Duration.ofMinutes(2))
                .build();
    }

    /** A page of the admin dashboard, signed in once with the admin token (as an operator does). */
    HttpRequest dashboard(String path) throws IOException, InterruptedException {
        if (dashboardCookie == null) {
            HttpResponse<String> r = client.send(
                    HttpRequest.newBuilder(base.resolve("/admin/sign-in"))
                            .header("Content-Type", "application/x-www-form-urlencoded")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    "token=" + URLEncoder.encode(BenchEnvironment.ADMIN_TOKEN, StandardCharsets.UTF_8)
                                            + "&next=%2Fadmin"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            dashboardCookie = r.headers().allValues("Set-Cookie").stream()
                    .filter(c -> c.startsWith("billing_admin="))
                    .map(c -> c.substring(0, c.indexOf(';') < 0 ? c.length() : c.indexOf(';')))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException(
                            "The dashboard's sign-in answered " + r.statusCode() + " without a session cookie"));
        }
        return HttpRequest.newBuilder(base.resolve(path))
                .header("Cookie", dashboardCookie)
                .timeout(Duration.ofMinutes(2))
                .GET()
                .build();
    }

    static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
