package dev.billing.bench;

import dev.billing.core.model.CustomerId;
import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.SourceVersion;
import dev.billing.core.model.UserId;
import dev.billing.core.model.subscription.Subscription;
import dev.billing.core.model.subscription.SubscriptionStatus;
import dev.billing.core.port.BillingStores;
import dev.billing.postgres.PostgresBillingStores;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * The read paths: {@code GET /me/entitlements} for many signed-in users (each with a customer and an active
 * subscription in the projection, real RS256 session tokens verified by the PEM-mode verifier), and
 * {@code GET /stripe/products} from the catalog cache. Every answer is checked (200 and the expected content), so
 * a fast error is never counted as a fast answer.
 */
final class ReadScenarios {
    private static final byte[] PRO = "\"tier\":\"pro\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PRODUCTS = "\"id\":\"prod_pro\"".getBytes(StandardCharsets.US_ASCII);

    /** Users, their tokens, and one prepared request per user per route. */
    record Users(String prefix, List<String> ids, List<String> tokens) {}

    private ReadScenarios() {}

    /**
     * Links {@code count} users to customers and gives each an active {@code pro} subscription, straight through the
     * Postgres stores (the adapter the server uses; works for an external server too), and mints their tokens.
     */
    static Users seed(BenchEnvironment env, String prefix, int count, Duration tokenLifetime) {
        Instant now = Instant.now();
        List<String> ids = new ArrayList<>(count);
        try (BillingStores stores = PostgresBillingStores.create(env.databaseUrlWithCredentials())) {
            for (int i = 0; i < count; i++) {
                String user = "user_" + prefix + "_" + i;
                CustomerId customer = CustomerId.of("cus_" + prefix + "_" + i);
                stores.customers().link(new CustomerLink(UserId.of(user), customer, user + "@bench.invalid", now));
                stores.subscriptions()
                        .upsertSubscription(new Subscription(
                                "sub_" + prefix + "_" + i,
                                customer,
                                SubscriptionStatus.ACTIVE,
                                StripeEvents.PRICE,
                                1,
                                now.minus(Duration.ofDays(5)),
                                now.plus(Duration.ofDays(25)),
                                false,
                                null,
                                null,
                                null,
                                null,
                                null,
                                now.minus(Duration.ofDays(40)),
                                Map.of("user_id", user),
                                SourceVersion.refetch(now)));
                ids.add(user);
            }
        }
        List<String> tokens = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            tokens.add(env.tokenKey()
                    .issue(ids.get(i), "sess_" + prefix + "_" + i, tokenLifetime)
                    .token());
        }
        return new Users(prefix, List.copyOf(ids), List.copyOf(tokens));
    }

    static LoadRunner.Result entitlements(
            InetSocketAddress address, String host, Users users, int connections, Duration warmup, Duration measure) {
        byte[][] requests = requests("/me/entitlements", host, users);
        return LoadRunner.forDuration(
                address, connections, index -> new Reader(requests, index, connections, PRO), warmup, measure);
    }

    static LoadRunner.Result catalog(
            InetSocketAddress address, String host, Users users, int connections, Duration warmup, Duration measure) {
        byte[][] requests = requests("/stripe/products", host, users);
        return LoadRunner.forDuration(
                address, connections, index -> new Reader(requests, index, connections, PRODUCTS), warmup, measure);
    }

    /** One GET per user with its token, from a client address of its own (the server trusts X-Forwarded-For). */
    private static byte[][] requests(String path, String host, Users users) {
        byte[][] requests = new byte[users.ids().size()][];
        for (int i = 0; i < requests.length; i++) {
            requests[i] = ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nAccept: application/json\r\n"
                            + "Authorization: Bearer " + users.tokens().get(i) + "\r\nX-Forwarded-For: 10."
                            + (i >> 16 & 255)
                            + "." + (i >> 8 & 255) + "." + (i & 255) + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
        }
        return requests;
    }

    /**
     * Cycles through the users (each sender starts at another one, senders {@code stride} apart), sends the request
     * {@code request} builds for each, and checks that each answer is a 200 containing {@code expected}.
     */
    static final class Reader implements LoadRunner.Sender {
        private final int users;
        private final IntFunction<byte[]> request;
        private final int stride;
        private final byte[] expected;
        private int next;
        private byte[] current;

        Reader(int users, IntFunction<byte[]> request, int index, int stride, byte[] expected) {
            this.users = users;
            this.request = request;
            this.next = index % users;
            this.stride = stride;
            this.expected = expected;
        }

        /** Requests built once, one per user. */
        Reader(byte[][] requests, int index, int stride, byte[] expected) {
            this(requests.length, u -> requests[u], index, stride, expected);
        }

        @Override
        public boolean next() {
            current = request.apply(next);
            next = (next + stride) % users;
            if (stride % users == 0) {
                next = (next + 1) % users;
            }
            return true;
        }

        @Override
        public byte[] request() {
            return current;
        }

        @Override
        public int requestLength() {
            return current.length;
        }

        @Override
        public boolean answered(int status, Answer connection) {
            return status == 200 && connection.bodyContains(expected);
        }
    }
}
