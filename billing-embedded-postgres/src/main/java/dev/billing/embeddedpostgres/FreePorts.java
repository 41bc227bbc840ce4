package dev.billing.embeddedpostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A TCP port free now, for a server started a while later (a Postgres that runs initdb first, a child process).
 * {@code new ServerSocket(0)} hands out a port from the system's ephemeral range, the range every other {@code bind(0)}
 * and every outgoing connection draws from: in the seconds before the server binds it, any of them may take it, and a
 * Postgres that cannot bind its port waits out its whole startup timeout. So the port is drawn below that range,
 * where only a process asking for that very port would take it.
 *
 * <p>Usage: {@code int port = FreePorts.belowEphemeralRange();}
 */
public final class FreePorts {
    /** How many ports below the ephemeral range are drawn from. */
    static final int SPAN = 12_000;

    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    /** Linux's default start of the ephemeral range; macOS and Windows start higher (49152). */
    private static final int DEFAULT_EPHEMERAL_START = 32_768;

    private FreePorts() {}

    /**
     * A port below the ephemeral range that nothing listens on now, or, when that range starts too low to leave
     * room, one the system hands out.
     *
     * @throws UncheckedIOException when no port can be bound at all
     */
    public static int belowEphemeralRange() {
        int end = ephemeralStart();
        int start = end - SPAN;
        if (start >= 1024) {
            for (int attempt = 0; attempt < 100; attempt++) {
                int candidate = ThreadLocalRandom.current().nextInt(start, end);
                if (isFree(candidate)) {
                    return candidate;
                }
            }
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("No free TCP port", e);
        }
    }

    /** The first port of the system's ephemeral range (Linux's setting, else its default). */
    static int ephemeralStart() {
        try {
            // Read by line: Files.readString reads only the first byte of a procfs file (it reports a size of 0).
            String[] range = Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+");
            return Integer.parseInt(range[0]);
        } catch (IOException | RuntimeException e) {
            return DEFAULT_EPHEMERAL_START; // not Linux, or not readable here
        }
    }

    /** Whether nothing listens on {@code port}, on any address (the wildcard bind fails if anything does). */
    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
