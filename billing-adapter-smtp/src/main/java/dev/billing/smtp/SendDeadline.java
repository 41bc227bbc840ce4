package dev.billing.smtp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.SocketFactory;

/**
 * A bound on one whole send, on top of the per-operation timeouts: a server that answers every step just before
 * the read timeout could otherwise hold a send for a dozen timeouts. Angus opens its socket through
 * {@link #SOCKETS} on the sending thread; when the deadline passes, every socket this send opened is closed, which
 * fails the blocked read or write at once (TLS layered on top included).
 *
 * <p>Usage: {@code try (SendDeadline deadline = SendDeadline.start(budget)) { transport.connect(...); ... }}
 */
final class SendDeadline implements AutoCloseable {
    /** The socket factory to give Angus ({@code mail.smtp.socketFactory}). */
    static final SocketFactory SOCKETS = new WatchedSocketFactory();

    private static final ThreadLocal<List<Socket>> CURRENT = new ThreadLocal<>();
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "billing-smtp-deadline");
        t.setDaemon(true);
        return t;
    });

    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicBoolean expired = new AtomicBoolean();
    private final Duration budget;
    private final ScheduledFuture<?> timer;

    private SendDeadline(Duration budget) {
        this.budget = budget;
        CURRENT.set(sockets);
        this.timer = TIMER.schedule(this::expire, budget.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts the clock for a send on the current thread. */
    static SendDeadline start(Duration budget) {
        return new SendDeadline(budget);
    }

    /** Whether the deadline passed (and the send's sockets were closed). */
    boolean expired() {
        return expired.get();
    }

    Duration budget() {
        return budget;
    }

    @Override
    public void close() {
        timer.cancel(false);
        CURRENT.remove();
    }

    private void expire() {
        expired.set(true);
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing is all we can do
            }
        }
    }

    private static Socket watch(Socket socket) {
        List<Socket> current = CURRENT.get();
        if (current != null) {
            current.add(socket);
        }
        return socket;
    }

    /** Plain sockets, each recorded for the send running on the calling thread before it connects. */
    private static final class WatchedSocketFactory extends SocketFactory {
        @Override
        public Socket createSocket() {
            return watch(new Socket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            Socket socket = createSocket();
            socket.connect(new InetSocketAddress(host, port));
            return socket;
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            Socket socket = createSocket();
            socket.bind(new InetSocketAddress(localHost, localPort));
            socket.connect(new InetSocketAddress(host, port));
            return socket;
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            Socket socket = createSocket();
            socket.connect(new InetSocketAddress(host, port));
            return socket;
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            Socket socket = createSocket();
            socket.bind(new InetSocketAddress(localAddress, localPort));
            socket.connect(new InetSocketAddress(address, port));
            return socket;
        }
    }
}
