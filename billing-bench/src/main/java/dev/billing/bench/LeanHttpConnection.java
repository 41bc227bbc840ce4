package dev.billing.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * The load generator's HTTP/1.1 client: one blocking keep-alive socket, requests written as pre-built bytes, and
 * only what the bench needs parsed from the answer (status, {@code Content-Length} or chunked body,
 * {@code Connection: close}). No allocation per request beyond what a chunked body or a reconnect needs, so the
 * generator leaves the CPU to the server it measures (the JDK's HttpClient costs several times more per request).
 *
 * <p>Not thread-safe: one connection per sender thread.
 */
final class LeanHttpConnection implements AutoCloseable, Answer {
    private static final int READ_TIMEOUT_MS = 60_000;

    private final InetSocketAddress address;
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private byte[] buf = new byte[16 * 1024];
    private int pos;
    private int lim;
    private byte[] body = new byte[16 * 1024];
    private byte[] lastNeedle;
    private int lastHit = -1;
    private int bodyLength;
    private boolean closeAfter;

    LeanHttpConnection(InetSocketAddress address) {
        this.address = address;
    }

    /**
     * Writes one request and reads its answer (connecting first when needed). An I/O failure leaves the connection
     * closed; the next exchange reconnects.
     *
     * @return the status code
     */
    int exchange(byte[] request, int offset, int length) throws IOException {
        if (socket == null) {
            connect();
        }
        try {
            out.write(request, offset, length);
            out.flush();
            return readResponse();
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /** The last answer's body (valid until the next exchange). */
    byte[] body() {
        return body;
    }

    int bodyLength() {
        return bodyLength;
    }

    @Override
    public boolean bodyContains(byte[] needle) {
        if (needle != lastNeedle) {
            lastNeedle = needle;
            lastHit = -1;
        }
        lastHit = find(body, bodyLength, needle, lastHit);
        return lastHit >= 0;
    }

    /**
     * Where {@code needle} starts in the first {@code length} bytes of {@code haystack}, or -1. {@code hint} (where
     * it was in the previous answer, or -1) is tried first: a read scenario gets the same body again and again, and
     * one comparison there spares the generator a scan of the body (its CPU is taken from the server's two cores).
     */
    static int find(byte[] haystack, int length, byte[] needle, int hint) {
        if (hint >= 0
                && hint + needle.length <= length
                && java.util.Arrays.equals(haystack, hint, hint + needle.length, needle, 0, needle.length)) {
            return hint;
        }
        outer:
        for (int i = 0; i + needle.length <= length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Override
    public String bodyText() {
        return new String(body, 0, bodyLength, StandardCharsets.UTF_8);
    }

    private void connect() throws IOException {
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.setSoTimeout(READ_TIMEOUT_MS);
        s.connect(address, 5_000);
        socket = s;
        in = s.getInputStream();
        out = s.getOutputStream();
        pos = 0;
        lim = 0;
    }

    private int readResponse() throws IOException {
        closeAfter = false;
        // Status line: HTTP/1.1 200 OK
        int lineEnd = findLineEnd();
        int lineStart = pos; // after findLineEnd, which may have compacted the buffer
        if (lineEnd - lineStart < 12 || buf[lineStart + 8] != ' ') {
            throw new IOException("malformed status line");
        }
        int status = (buf[lineStart + 9] - '0') * 100 + (buf[lineStart + 10] - '0') * 10 + (buf[lineStart + 11] - '0');
        pos = lineEnd + 2;
        long contentLength = -1;
        boolean chunked = false;
        while (true) {
            int end = findLineEnd();
            int start = pos;
            if (end == start) {
                pos = end + 2;
                break;
            }
            if (headerIs(start, end, "content-length")) {
                contentLength = parseLong(valueStart(start, end, 14), end);
            } else if (headerIs(start, end, "transfer-encoding")) {
                chunked = valueContains(start, end, "chunked");
            } else if (headerIs(start, end, "connection")) {
                closeAfter = valueContains(start, end, "close");
            }
            pos = end + 2;
        }
        if (chunked) {
            readChunked();
        } else if (contentLength >= 0) {
            readFixed((int) contentLength);
        } else {
            bodyLength = 0; // 204/304 or no body
        }
        if (closeAfter) {
            close();
        }
        return status;
    }

    private void readFixed(int length) throws IOException {
        ensureBody(length);
        int copied = 0;
        while (copied < length) {
            if (pos == lim) {
                fill();
            }
            int n = Math.min(length - copied, lim - pos);
            System.arraycopy(buf, pos, body, copied, n);
            pos += n;
            copied += n;
        }
        bodyLength = length;
    }

    private void readChunked() throws IOException {
        bodyLength = 0;
        while (true) {
            int end = findLineEnd();
            int size = 0;
            for (int i = pos; i < end; i++) {
                int d = Character.digit(buf[i], 16);
                if (d < 0) {
                    break; // chunk extensions
                }
                size = size * 16 + d;
            }
            pos = end + 2;
            if (size == 0) {
                // trailers until an empty line
                while (true) {
                    int e = findLineEnd();
                    boolean empty = e == pos;
                    pos = e + 2;
                    if (empty) {
                        return;
                    }
                }
            }
            ensureBody(bodyLength + size);
            int copied = 0;
            while (copied < size) {
                if (pos == lim) {
                    fill();
                }
                int n = Math.min(size - copied, lim - pos);
                System.arraycopy(buf, pos, body, bodyLength + copied, n);
                pos += n;
                copied += n;
            }
            bodyLength += size;
            int crlf = findLineEnd();
            pos = crlf + 2;
        }
    }

    private void ensureBody(int capacity) {
        if (body.length < capacity) {
            byte[] bigger = new byte[Math.max(capacity, body.length * 2)];
            System.arraycopy(body, 0, bigger, 0, bodyLength);
            body = bigger;
        }
    }

    /** Index of the CR of the next CRLF at or after {@code pos}, reading more as needed (may move {@code pos}). */
    private int findLineEnd() throws IOException {
        int scan = pos;
        while (true) {
            for (int i = scan; i + 1 < lim; i++) {
                if (buf[i] == '\r' && buf[i + 1] == '\n') {
                    return i;
                }
            }
            scan = Math.max(pos, lim - 1);
            int shift = pos;
            if (shift > 0) {
                System.arraycopy(buf, pos, buf, 0, lim - pos);
                lim -= shift;
                scan -= shift;
                pos = 0;
            }
            if (lim == buf.length) {
                byte[] bigger = new byte[buf.length * 2];
                System.arraycopy(buf, 0, bigger, 0, lim);
                buf = bigger;
            }
            int n = in.read(buf, lim, buf.length - lim);
            if (n < 0) {
                throw new EOFException("connection closed by the server");
            }
            lim += n;
        }
    }

    private void fill() throws IOException {
        pos = 0;
        lim = 0;
        int n = in.read(buf, 0, buf.length);
        if (n < 0) {
            throw new EOFException("connection closed by the server");
        }
        lim = n;
    }

    private boolean headerIs(int start, int end, String lowerName) {
        int n = lowerName.length();
        if (end - start <= n || buf[start + n] != ':') {
            return false;
        }
        for (int i = 0; i < n; i++) {
            int c = buf[start + i];
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lowerName.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private int valueStart(int start, int end, int nameLength) {
        int i = start + nameLength + 1;
        while (i < end && buf[i] == ' ') {
            i++;
        }
        return i;
    }

    private boolean valueContains(int start, int end, String lower) {
        String value =
                new String(buf, start, end - start, StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
        return value.substring(value.indexOf(':') + 1).contains(lower);
    }

    private long parseLong(int from, int to) throws IOException {
        long v = 0;
        int i = from;
        for (; i < to && buf[i] >= '0' && buf[i] <= '9'; i++) {
            v = v * 10 + (buf[i] - '0');
        }
        if (i == from) {
            throw new IOException("bad Content-Length");
        }
        return v;
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            socket = null;
        }
    }
}
