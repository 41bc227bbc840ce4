package dev.billing.embeddedpostgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void aPortIsDrawnBelowTheRangeOtherBindsAndConnectionsTake() throws IOException {
        int ephemeral = FreePorts.ephemeralStart();
        assertThat(ephemeral)
                .as("this machine's ephemeral range leaves room below it")
                .isGreaterThan(FreePorts.SPAN + 1024);
        for (int i = 0; i < 20; i++) {
            int port = FreePorts.belowEphemeralRange();
            assertThat(port).isBetween(ephemeral - FreePorts.SPAN, ephemeral - 1);
            try (ServerSocket server = new ServerSocket(port)) {
                assertThat(server.getLocalPort()).isEqualTo(port);
            }
        }
    }

    @Test
    void aPortSomethingListensOnIsNotFree() throws IOException {
        try (ServerSocket taken = new ServerSocket(0)) {
            assertThat(FreePorts.isFree(taken.getLocalPort())).isFalse();
        }
        int port = FreePorts.belowEphemeralRange();
        assertThat(FreePorts.isFree(port)).isTrue();
    }
}
