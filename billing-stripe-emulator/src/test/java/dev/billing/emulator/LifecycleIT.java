package dev.billing.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Starting, stopping and restarting the emulator. */
class LifecycleIT {
    private static long aliveEmulatorThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith("stripe-emulator"))
                .count();
    }

    @Test
    void closeIsPromptEvenWithAHungRequestAndPendingWebhooksAndFreesThePort() throws Exception {
        long threadsBefore = aliveEmulatorThreads();
        StripeEmulator emu = StripeEmulator.start();
        int port = emu.port();
        assertThat(emu.baseUrl()).isEqualTo("http://127.0.0.1:" + port);
        emu.registerWebhookEndpoint("http://127.0.0.1:1/unreachable", "whsec_x");
        emu.addFault(Fault.of(FaultKind.HANG, "GET", "/v1/customers").hangFor(Duration.ofSeconds(30)));
        ControlClient client = new ControlClient(emu);
        client.api("POST", "/v1/customers", "email=a%40example.com", null);
        CompletableFuture<Object> hung = CompletableFuture.supplyAsync(() -> {
            try {
                return client.api("GET", "/v1/customers", null, null);
            } catch (RuntimeException e) {
                return e;
            }
        });
        long arrived = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!emu.faults().isEmpty() && System.nanoTime() < arrived) {
            Thread.sleep(5); // the GET hangs once it took the fault
        }
        assertThat(emu.faults()).as("the GET reached the emulator").isEmpty();

        long start = System.nanoTime();
        emu.close();
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(took).as("close does not wait out the 30 s hang").isLessThan(Duration.ofSeconds(10));
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
        while (aliveEmulatorThreads() > threadsBefore && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(aliveEmulatorThreads()).isLessThanOrEqualTo(threadsBefore);
        hung.cancel(true);
        emu.close(); // idempotent
    }

    @Test
    void startsOnARequestedPortWithACustomKeyAndVersion() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = probe.getLocalPort();
        }
        try (StripeEmulator emu = StripeEmulator.start(EmulatorOptions.defaults()
                .withPort(port)
                .withApiKey("sk_test_custom")
                .withApiVersion("2026-07-29.dahlia")
                .withPublicBaseUrl("https://stripe.local/"))) {
            assertThat(emu.port()).isEqualTo(port);
            assertThat(emu.apiKey()).isEqualTo("sk_test_custom");
            ControlClient client = new ControlClient(emu);
            ControlClient.Reply session = client.api(
                    "POST",
                    "/v1/billing_portal/sessions",
                    "customer="
                            + client.api("POST", "/v1/customers", "", null)
                                    .json()
                                    .path("id")
                                    .asText(),
                    null);
            assertThat(session.json().path("url").asText()).startsWith("https://stripe.local/portal/bps_");
            assertThat(session.header("Stripe-Version")).isEqualTo("2026-07-29.dahlia");
        }
    }
}
