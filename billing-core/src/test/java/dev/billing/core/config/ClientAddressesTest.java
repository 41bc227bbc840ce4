package dev.billing.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ClientAddressesTest {
    private final ClientAddresses behindProxies =
            ClientAddresses.trusting(IpRanges.parse(List.of("10.0.0.0/8", "2001:db8::/32")));

    @Test
    void withoutTrustedProxiesTheConnectionDecides() {
        assertThat(ClientAddresses.direct().resolve("203.0.113.9", "3.18.12.63"))
                .isEqualTo("203.0.113.9");
    }

    @Test
    void forwardedForIsIgnoredFromAnUntrustedPeer() {
        assertThat(behindProxies.resolve("198.51.100.7", "3.18.12.63")).isEqualTo("198.51.100.7");
    }

    @Test
    void theRightMostUntrustedEntryIsTheClient() {
        assertThat(behindProxies.resolve("10.0.0.2", "1.2.3.4, 3.18.12.63, 10.1.1.1"))
                .isEqualTo("3.18.12.63");
        assertThat(behindProxies.resolve("2001:db8::1", "54.88.130.119")).isEqualTo("54.88.130.119");
    }

    @Test
    void garbageStopsTheWalkAtTheLastTrustedHop() {
        assertThat(behindProxies.resolve("10.0.0.2", "3.18.12.63, not-an-ip")).isEqualTo("10.0.0.2");
        assertThat(behindProxies.resolve("10.0.0.2", "junk, 10.0.0.3")).isEqualTo("10.0.0.3");
    }

    @Test
    void anyPeerTakesTheLastEntryAsBefore() {
        ClientAddresses any = new ClientAddresses(IpRanges.none(), true);
        assertThat(any.resolve("192.0.2.1", "1.2.3.4, 5.6.7.8")).isEqualTo("5.6.7.8");
        assertThat(any.resolve("192.0.2.1", null)).isEqualTo("192.0.2.1");
    }

    @Test
    void rangesMatchIpv4Ipv6AndMappedAddresses() {
        IpRanges ranges = IpRanges.parse(List.of("3.18.12.63", "192.168.0.0/16", "2001:db8::/32", "", "::1"));
        assertThat(ranges.contains("3.18.12.63")).isTrue();
        assertThat(ranges.contains("3.18.12.64")).isFalse();
        assertThat(ranges.contains("192.168.255.1")).isTrue();
        assertThat(ranges.contains("::ffff:192.168.1.1")).isTrue();
        assertThat(ranges.contains("2001:DB8:0:0:0:0:0:1")).isTrue();
        assertThat(ranges.contains("2001:db9::1")).isFalse();
        assertThat(ranges.contains("0:0:0:0:0:0:0:1")).isTrue();
        assertThat(ranges.contains("localhost")).isFalse();
        assertThat(ranges.contains("01.2.3.4")).isFalse();
        assertThat(ranges.entries()).hasSize(4);
        assertThat(IpRanges.parse(List.of("10.0.0.0/9")).contains("10.127.0.1")).isTrue();
        assertThat(IpRanges.parse(List.of("10.0.0.0/9")).contains("10.128.0.1")).isFalse();
    }

    @Test
    void entriesThatAreNoAddressAreRefusedByName() {
        assertThatThrownBy(() -> IpRanges.parse(List.of("10.0.0.0/33"))).hasMessageContaining("10.0.0.0/33");
        assertThatThrownBy(() -> IpRanges.parse(List.of("proxy.internal"))).hasMessageContaining("proxy.internal");
        assertThatThrownBy(() -> IpRanges.parse(List.of("1::2::3"))).isInstanceOf(IllegalArgumentException.class);
    }
}
