package dev.billing.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.http.ApiSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trusted proxies and the Stripe webhook allowlist, from the environment into the API's settings. */
class NetworkSettingsTest {

    static CliConfigTest.Run checkConfig(Map<String, String> extra) {
        Map<String, String> env = CliConfigTest.validEnv();
        env.putAll(extra);
        return CliConfigTest.run(env, "check-config");
    }

    static ApiSettings api(Map<String, String> extra) {
        Map<String, String> env = CliConfigTest.validEnv();
        env.putAll(extra);
        return ServerConfig.fromEnv(env).apiSettings("test");
    }

    @Test
    void byDefaultNoProxyIsTrustedAndTheAllowlistIsOff() {
        ApiSettings api = api(Map.of());
        assertThat(api.clientAddresses().readsForwardedFor()).isFalse();
        assertThat(api.stripeWebhookAllowlist()).isFalse();
        CliConfigTest.Run run = checkConfig(Map.of());
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("the connection's address (no trusted proxy)", "off (any address)");
    }

    @Test
    void trustedProxiesAndTheShippedAllowlist() {
        ApiSettings api = api(Map.of(
                "BILLING_TRUSTED_PROXIES", "10.0.0.0/8, 2001:db8::/32",
                "BILLING_STRIPE_WEBHOOK_ALLOWLIST", "true"));
        assertThat(api.clientAddresses().resolve("10.2.3.4", "54.187.216.72, 10.9.9.9"))
                .isEqualTo("54.187.216.72");
        assertThat(api.clientAddresses().resolve("192.0.2.1", "54.187.216.72")).isEqualTo("192.0.2.1");
        assertThat(api.stripeWebhookSources().contains("54.187.216.72")).isTrue();
        CliConfigTest.Run run = checkConfig(Map.of("BILLING_STRIPE_WEBHOOK_ALLOWLIST", "true"));
        assertThat(run.out()).contains("addresses from the list in the jar");
    }

    @Test
    void anOverrideFileReplacesTheShippedList(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("ips.txt"), "# ours\n192.0.2.0/24 # a proxy pool\n");
        ApiSettings api = api(
                Map.of("BILLING_STRIPE_WEBHOOK_ALLOWLIST", "true", "BILLING_STRIPE_WEBHOOK_IPS_FILE", file.toString()));
        assertThat(api.stripeWebhookSources().contains("192.0.2.77")).isTrue();
        assertThat(api.stripeWebhookSources().contains("3.18.12.63")).isFalse();
    }

    @Test
    void wrongSettingsAreNamedAtStart(@TempDir Path dir) throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.txt"), "# nothing\n");
        CliConfigTest.Run run = checkConfig(Map.of(
                "BILLING_TRUSTED_PROXIES", "proxy.internal",
                "BILLING_STRIPE_WEBHOOK_ALLOWLIST", "true",
                "BILLING_STRIPE_WEBHOOK_IPS_FILE", empty.toString()));
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err())
                .contains("BILLING_TRUSTED_PROXIES: not an IP address or CIDR range: proxy.internal")
                .contains("BILLING_STRIPE_WEBHOOK_IPS_FILE: " + empty + " lists no address");
        CliConfigTest.Run unused = checkConfig(Map.of("BILLING_STRIPE_WEBHOOK_IPS_FILE", empty.toString()));
        assertThat(unused.err()).contains("BILLING_STRIPE_WEBHOOK_IPS_FILE: set, but BILLING_STRIPE_WEBHOOK_ALLOWLIST");
        CliConfigTest.Run missing = checkConfig(Map.of(
                "BILLING_STRIPE_WEBHOOK_ALLOWLIST",
                "true",
                "BILLING_STRIPE_WEBHOOK_IPS_FILE",
                dir.resolve("missing.txt").toString()));
        assertThat(missing.err()).contains("BILLING_STRIPE_WEBHOOK_IPS_FILE: cannot read");
    }
}
