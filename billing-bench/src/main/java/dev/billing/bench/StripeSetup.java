package dev.billing.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Prepares the Stripe side of a re-fetch run on the Stripe emulator (the bench's own, or the one an external
 * server uses): customers with the bench's ids and a card (through the emulator's seed control route), then one
 * real subscription each ({@code POST /v1/subscriptions}), so that every re-fetch the server makes finds its object.
 * Also reads subscriptions back for the check. Not measured: set-up only.
 */
final class StripeSetup {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String key;

    StripeSetup(String apiBase, String secretKey) {
        this.base = apiBase.endsWith("/") ? apiBase.substring(0, apiBase.length() - 1) : apiBase;
        this.key = secretKey;
    }

    /** Creates the customers (ids given, each with a default card) and one subscription each; returns their ids. */
    List<String> customersWithSubscriptions(List<String> customerIds, List<String> userIds, String priceId) {
        for (int from = 0; from < customerIds.size(); from += 500) {
            List<Map<String, Object>> customers = new ArrayList<>();
            for (int i = from; i < Math.min(customerIds.size(), from + 500); i++) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("id", customerIds.get(i));
                c.put("email", userIds.get(i) + "@bench.invalid");
                c.put("payment_method", "pm_card_visa");
                c.put("metadata", Map.of("user_id", userIds.get(i)));
                customers.add(c);
            }
            try {
                send(HttpRequest.newBuilder(URI.create(base + "/_emulator/seed"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                JSON.writeValueAsString(Map.of("customers", customers))))
                        .build());
            } catch (IOException e) {
                throw new IllegalStateException("seeding the emulator failed: " + e.getMessage(), e);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<String>> created = new ArrayList<>();
            for (String customer : customerIds) {
                created.add(pool.submit(() -> post(
                                "/v1/subscriptions",
                                "customer=" + enc(customer) + "&items[0][price]=" + enc(priceId)
                                        + "&items[0][quantity]=1")
                        .path("id")
                        .asText()));
            }
            List<String> ids = new ArrayList<>();
            for (Future<String> f : created) {
                ids.add(f.get());
            }
            return ids;
        } catch (Exception e) {
            throw new IllegalStateException("creating subscriptions at " + base + " failed: " + e.getMessage(), e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The subscription as Stripe (the emulator) has it now. */
    JsonNode subscription(String id) {
        return get("/v1/subscriptions/" + enc(id));
    }

    private JsonNode post(String path, String form) throws IOException {
        return send(HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + key)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build());
    }

    private JsonNode get(String path) {
        try {
            return send(HttpRequest.newBuilder(URI.create(base + path))
                    .header("Authorization", "Bearer " + key)
                    .GET()
                    .build());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + path + " failed: " + e.getMessage(), e);
        }
    }

    private JsonNode send(HttpRequest request) throws IOException {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IOException(request.method() + " " + request.uri().getPath() + ": " + response.statusCode()
                        + " " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
