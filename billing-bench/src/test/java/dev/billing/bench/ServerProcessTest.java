package dev.billing.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** An external server's process is the one listening on its URL's port: found through real sockets and /proc. */
class ServerProcessTest {
    private static final String HEADER =
            "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode";

    @Test
    void aListeningRowGivesItsInodeAndOtherRowsNone() {
        // port 0x1F90 = 8080; st 0A = LISTEN, 01 = ESTABLISHED
        String listening =
                "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1";
        String established =
                "   1: 0100007F:1F90 0100007F:D2A4 01 00000000:00000000 00:00000000 00000000     0        0 4343 1";
        String v6 = "   0: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A "
                + "00000000:00000000 00:00000000 00000000     0        0 4444 1";
        assertThat(ServerProcess.listeningInode(listening, 8080)).isEqualTo(4242);
        assertThat(ServerProcess.listeningInode(listening, 8081)).isEqualTo(-1);
        assertThat(ServerProcess.listeningInode(established, 8080)).isEqualTo(-1);
        assertThat(ServerProcess.listeningInode(v6, 8080)).isEqualTo(4444);
        assertThat(ServerProcess.listeningInode(HEADER, 8080)).isEqualTo(-1);
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void theProcessListeningOnTheUrlsPortIsFound() throws Exception {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            int port = socket.getLocalPort();
            long self = ProcessHandle.current().pid();
            assertThat(ServerProcess.listeningOn(port)).hasValue(self);
            assertThat(ServerProcess.of(URI.create("http://127.0.0.1:" + port))).hasValue(self);
            assertThat(ServerProcess.of(URI.create("http://localhost:" + port))).hasValue(self);
        }
    }

    @Test
    void aServerElsewhereOrAPortNobodyListensOnHasNoProcess() throws Exception {
        int free;
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            free = socket.getLocalPort();
        }
        assertThat(ServerProcess.of(URI.create("http://127.0.0.1:" + free))).isEmpty();
        assertThat(ServerProcess.of(URI.create("http://billing.example.invalid:8080")))
                .isEmpty();
    }
}
