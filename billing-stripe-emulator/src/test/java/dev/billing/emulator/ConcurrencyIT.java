package dev.billing.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.stripe.StripeClient;
import com.stripe.model.Customer;
import com.stripe.net.RequestOptions;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.CustomerListParams;
import com.stripe.param.InvoiceListParams;
import com.stripe.param.checkout.SessionCreateParams;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Many clients at once: state stays consistent and idempotency holds. */
class ConcurrencyIT {
    private static StripeEmulator emu;
    private static StripeClient stripe;

    @BeforeAll
    static void start() {
        emu = StripeEmulator.start(EmulatorOptions.defaults().withSampleSeed());
        stripe = StripeClient.builder()
                .setApiKey(emu.apiKey())
                .setApiBase(emu.baseUrl())
                .setMaxNetworkRetries(5)
                .build();
    }

    @AfterAll
    static void stop() {
        emu.close();
    }

    private static <T> List<T> concurrently(int n, Callable<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                futures.add(pool.submit(() -> {
                    go.await();
                    return task.call();
                }));
            }
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(30, TimeUnit.SECONDS));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentCreatesWithOneIdempotencyKeyCreateOneCustomer() throws Exception {
        emu.reset();
        RequestOptions key =
                RequestOptions.builder().setIdempotencyKey("same-key").build();
        CustomerCreateParams params =
                CustomerCreateParams.builder().setEmail("once@example.com").build();

        List<String> ids = concurrently(
                24, () -> stripe.v1().customers().create(params, key).getId());

        assertThat(new HashSet<>(ids)).hasSize(1);
        assertThat(stripe.v1()
                        .customers()
                        .list(CustomerListParams.builder()
                                .setEmail("once@example.com")
                                .build())
                        .getData())
                .hasSize(1);
    }

    @Test
    void concurrentDistinctCreatesAllLandAndPaginateCompletely() throws Exception {
        emu.reset();
        List<String> ids = concurrently(
                32,
                () -> stripe.v1()
                        .customers()
                        .create(CustomerCreateParams.builder()
                                .setEmail(Thread.currentThread().getName() + "@example.com")
                                .build())
                        .getId());

        Set<String> listed = new HashSet<>();
        for (Customer c : stripe.v1()
                .customers()
                .list(CustomerListParams.builder().setLimit(7L).build())
                .autoPagingIterable()) {
            listed.add(c.getId());
        }
        assertThat(listed).containsExactlyInAnyOrderElementsOf(ids);
    }

    @Test
    void concurrentCheckoutCompletionsKeepInvoicesAndEventsConsistent() throws Exception {
        emu.reset();
        Customer customer = stripe.v1()
                .customers()
                .create(CustomerCreateParams.builder()
                        .setEmail("many@example.com")
                        .build());
        List<String> sessions = concurrently(
                20,
                () -> stripe.v1()
                        .checkout()
                        .sessions()
                        .create(SessionCreateParams.builder()
                                .setMode(SessionCreateParams.Mode.SUBSCRIPTION)
                                .setCustomer(customer.getId())
                                .addLineItem(SessionCreateParams.LineItem.builder()
                                        .setPrice("price_basic_monthly")
                                        .setQuantity(1L)
                                        .build())
                                .build())
                        .getId());
        ControlClient control = new ControlClient(emu);
        int[] index = {0};
        List<Integer> statuses = concurrently(20, () -> {
            String id;
            synchronized (index) {
                id = sessions.get(index[0]++);
            }
            return control.post("/_emulator/checkout/sessions/" + id + "/complete", "")
                    .status();
        });

        assertThat(statuses).containsOnly(200);
        List<String> numbers = new ArrayList<>();
        stripe.v1()
                .invoices()
                .list(InvoiceListParams.builder()
                        .setCustomer(customer.getId())
                        .setLimit(100L)
                        .build())
                .getData()
                .forEach(i -> numbers.add(i.getNumber()));
        assertThat(numbers).hasSize(20).doesNotHaveDuplicates();
        assertThat(emu.events().stream().filter(e -> e.type().equals("checkout.session.completed")))
                .hasSize(20);
    }
}
