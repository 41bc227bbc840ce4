package dev.billing.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The load generator's event-loop variant: one thread drives many keep-alive connections through a selector, so a
 * request costs the generator a write, a read and a share of one {@code epoll_wait}, and no thread wake-up (the
 * blocking variant wakes one sender thread per answer; on two cores those context switches are CPU the server does
 * not get). Same closed-loop behaviour, same measurements, same {@link LoadRunner.Sender}s.
 */
final class NioSenders extends LoadRunner.Worker {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final InetSocketAddress address;
    private final List<LoadRunner.Sender> senders;
    private final LoadRunner.Window window;
    private final CountDownLatch ready;
    private final CountDownLatch go;
    private Selector selector;
    private int open;

    NioSenders(
            int index,
            InetSocketAddress address,
            List<LoadRunner.Sender> senders,
            LoadRunner.Window window,
            CountDownLatch ready,
            CountDownLatch go) {
        super("bench-nio-sender-" + index);
        this.address = address;
        this.senders = senders;
        this.window = window;
        this.ready = ready;
        this.go = go;
    }

    @Override
    public void run() {
        List<Conn> conns = new ArrayList<>();
        try {
            selector = Selector.open();
            for (LoadRunner.Sender sender : senders) {
                conns.add(new Conn(sender));
            }
            ready.countDown();
            go.await();
            for (Conn c : conns) {
                c.nextOrFinish();
            }
            long cpuAtMeasureStart = -1;
            while (open > 0) {
                if (cpuAtMeasureStart < 0 && System.nanoTime() >= window.from) {
                    cpuAtMeasureStart = THREADS.getCurrentThreadCpuTime();
                }
                selector.select(50);
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    Conn c = (Conn) key.attachment();
                    try {
                        if (key.isValid() && key.isWritable()) {
                            c.write();
                        }
                        if (key.isValid() && key.isReadable()) {
                            c.read();
                        }
                    } catch (IOException e) {
                        c.failed(e);
                    }
                }
            }
            if (cpuAtMeasureStart >= 0) {
                cpuNanos = THREADS.getCurrentThreadCpuTime() - cpuAtMeasureStart;
            }
        } catch (IOException e) {
            errorSamples.add(e.toString());
            ready.countDown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            for (Conn c : conns) {
                c.close();
            }
            try {
                if (selector != null) {
                    selector.close();
                }
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }

    /** One keep-alive connection and the request on it. */
    private final class Conn implements Answer {
        final LoadRunner.Sender sender;
        SocketChannel channel;
        SelectionKey key;
        ByteBuffer out;
        byte[] in = new byte[16 * 1024];
        int inLength;
        byte[] body = new byte[4 * 1024];
        private byte[] lastNeedle;
        private int lastHit = -1;
        int bodyLength;
        long t0;
        boolean done;

        Conn(LoadRunner.Sender sender) {
            this.sender = sender;
        }

        void nextOrFinish() throws IOException {
            if (window.stopped || !sender.next()) {
                finish();
                return;
            }
            if (channel == null) {
                connect();
            }
            out = ByteBuffer.wrap(sender.request(), 0, sender.requestLength());
            inLength = 0;
            t0 = System.nanoTime();
            write();
        }

        void connect() throws IOException {
            channel = SocketChannel.open();
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.connect(address);
            channel.configureBlocking(false);
            key = channel.register(selector, 0, this);
            open++;
        }

        void write() throws IOException {
            channel.write(out);
            key.interestOps(out.hasRemaining() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
        }

        void read() throws IOException {
            if (inLength == in.length) {
                in = java.util.Arrays.copyOf(in, in.length * 2);
            }
            int n = channel.read(ByteBuffer.wrap(in, inLength, in.length - inLength));
            if (n < 0) {
                throw new IOException("connection closed by the server");
            }
            inLength += n;
            int status = parse();
            if (status < 0) {
                return; // incomplete
            }
            long t1 = System.nanoTime();
            boolean ok = sender.answered(status, this);
            if (t0 >= window.from && t1 <= window.until) {
                requests++;
                histogram.recordValue(Math.min((t1 - t0) / 1_000, 60_000_000L));
                statuses.merge(status, 1L, Long::sum);
                lastAnswerNanos = t1;
                if (!ok) {
                    errors++;
                    if (errorSamples.size() < 5) {
                        errorSamples.add(status + " " + bodyText());
                    }
                }
            }
            if (closeAfter) {
                dropChannel();
            }
            nextOrFinish();
        }

        void failed(IOException e) {
            sender.failed(e);
            if (t0 >= window.from) {
                errors++;
                requests++;
                statuses.merge(0, 1L, Long::sum);
                if (errorSamples.size() < 5) {
                    errorSamples.add(e.toString());
                }
            }
            dropChannel();
            try {
                nextOrFinish();
            } catch (IOException again) {
                finish();
            }
        }

        private boolean closeAfter;

        /** The status when {@code in} holds a complete answer (its body copied to {@code body}), else -1. */
        int parse() {
            int headerEnd = indexOf(in, 0, inLength, CRLFCRLF);
            if (headerEnd < 0) {
                return -1;
            }
            int status = (in[9] - '0') * 100 + (in[10] - '0') * 10 + (in[11] - '0');
            long contentLength = -1;
            boolean chunked = false;
            closeAfter = false;
            int line = indexOf(in, 0, headerEnd, CRLF) + 2;
            while (line < headerEnd) {
                int end = indexOf(in, line, headerEnd + 2 - line, CRLF);
                String header = new String(in, line, end - line, StandardCharsets.ISO_8859_1);
                int colon = header.indexOf(':');
                if (colon > 0) {
                    String name = header.substring(0, colon).trim();
                    String value = header.substring(colon + 1).trim();
                    if (name.equalsIgnoreCase("content-length")) {
                        contentLength = Long.parseLong(value);
                    } else if (name.equalsIgnoreCase("transfer-encoding")) {
                        chunked = value.toLowerCase(java.util.Locale.ROOT).contains("chunked");
                    } else if (name.equalsIgnoreCase("connection")) {
                        closeAfter = value.toLowerCase(java.util.Locale.ROOT).contains("close");
                    }
                }
                line = end + 2;
            }
            int bodyStart = headerEnd + 4;
            if (chunked) {
                bodyLength = 0;
                int p = bodyStart;
                while (true) {
                    int sizeEnd = indexOf(in, p, inLength - p, CRLF);
                    if (sizeEnd < 0) {
                        return -1;
                    }
                    int size = 0;
                    for (int i = p; i < sizeEnd; i++) {
                        int d = Character.digit(in[i], 16);
                        if (d < 0) {
                            break;
                        }
                        size = size * 16 + d;
                    }
                    if (size == 0) {
                        int trailerEnd = indexOf(in, sizeEnd, inLength - sizeEnd, CRLFCRLF);
                        return trailerEnd < 0 ? -1 : status;
                    }
                    int data = sizeEnd + 2;
                    if (data + size + 2 > inLength) {
                        return -1;
                    }
                    ensureBody(bodyLength + size);
                    System.arraycopy(in, data, body, bodyLength, size);
                    bodyLength += size;
                    p = data + size + 2;
                }
            }
            int length = contentLength < 0 ? 0 : (int) contentLength;
            if (bodyStart + length > inLength) {
                return -1;
            }
            ensureBody(length);
            System.arraycopy(in, bodyStart, body, 0, length);
            bodyLength = length;
            return status;
        }

        private void ensureBody(int capacity) {
            if (body.length < capacity) {
                body = java.util.Arrays.copyOf(body, Math.max(capacity, body.length * 2));
            }
        }

        @Override
        public boolean bodyContains(byte[] needle) {
            if (needle != lastNeedle) {
                lastNeedle = needle;
                lastHit = -1;
            }
            lastHit = LeanHttpConnection.find(body, bodyLength, needle, lastHit);
            return lastHit >= 0;
        }

        @Override
        public String bodyText() {
            return new String(body, 0, bodyLength, StandardCharsets.UTF_8);
        }

        void dropChannel() {
            if (channel != null) {
                close();
                channel = null;
                key = null;
            }
        }

        void finish() {
            if (!done) {
                done = true;
                if (channel != null) {
                    dropChannel();
                }
            }
        }

        void close() {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
                open--;
            }
        }
    }

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] CRLFCRLF = {'\r', '\n', '\r', '\n'};

    private static int indexOf(byte[] a, int from, int length, byte[] needle) {
        outer:
        for (int i = from; i + needle.length <= from + length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (a[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
