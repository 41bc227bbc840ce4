package dev.billing.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.GZIPOutputStream;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * An {@link Exchange} over Jetty's own request and response, for the routes {@link DirectRoutes} serves without the
 * servlet layer. The answer's body is kept until {@link #send} writes it whole, with its length, gzipped as
 * {@link HttpApi} has Javalin compress the other routes' answers.
 */
final class JettyExchange implements Exchange {
    /** Smaller answers are sent as they are, here and by Javalin ({@link HttpApi} sets its threshold to this). */
    static final int MIN_COMPRESSED_BYTES = 1_500;

    private static final byte[] EMPTY = new byte[0];

    private final Request request;
    private final Response response;
    private final String path;
    private byte[] body = EMPTY;
    private Fields query;

    JettyExchange(Request request, Response response, String path) {
        this.request = request;
        this.response = response;
        this.path = path;
    }

    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String path() {
        return path;
    }

    /** Always null: the routes served directly have no parameters in their paths. */
    @Override
    public String pathParam(String name) {
        return null;
    }

    @Override
    public String header(String name) {
        return request.getHeaders().get(name);
    }

    @Override
    public String queryParam(String name) {
        if (query == null) {
            query = Request.extractQueryParameters(request);
        }
        return query.getValue(name);
    }

    @Override
    public String cookie(String name) {
        for (HttpCookie cookie : Request.getCookies(request)) {
            if (cookie.getName().equals(name)) {
                return cookie.getValue();
            }
        }
        return null;
    }

    @Override
    public String remoteAddress() {
        return Request.getRemoteAddr(request);
    }

    @Override
    public long contentLength() {
        return request.getLength();
    }

    @Override
    public InputStream body() {
        return Request.asInputStream(request);
    }

    @Override
    public void header(String name, String value) {
        response.getHeaders().put(name, value);
    }

    @Override
    public void status(int status) {
        response.setStatus(status);
    }

    @Override
    public int status() {
        return response.getStatus();
    }

    @Override
    public void contentType(String contentType) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, contentType);
    }

    @Override
    public void result(byte[] body) {
        this.body = body;
    }

    @Override
    public void attribute(String name, Object value) {
        request.setAttribute(name, value);
    }

    @Override
    public Object attribute(String name) {
        return request.getAttribute(name);
    }

    /**
     * Writes the answer, whole and with its length, and completes the exchange through {@code callback}: none for a
     * 204 or 304; gzipped when it is {@value #MIN_COMPRESSED_BYTES} bytes or more and the client accepts gzip.
     */
    void send(Callback callback) {
        int status = response.getStatus();
        if (status == 204 || status == 304) {
            response.write(true, BufferUtil.EMPTY_BUFFER, callback);
            return;
        }
        byte[] out = body;
        if (out.length >= MIN_COMPRESSED_BYTES
                && !response.getHeaders().contains(HttpHeader.CONTENT_ENCODING)
                && acceptsGzip(request.getHeaders().get(HttpHeader.ACCEPT_ENCODING))) {
            out = gzip(out);
            response.getHeaders().put(HttpHeader.CONTENT_ENCODING, "gzip");
        }
        response.getHeaders().put(new HttpField.LongValueHttpField(HttpHeader.CONTENT_LENGTH, out.length));
        response.write(true, ByteBuffer.wrap(out), callback);
    }

    /** Whether an {@code Accept-Encoding} names gzip (as Javalin reads it: its tokens, parameters aside). */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String token : acceptEncoding.split(",")) {
            int parameters = token.indexOf(';');
            String coding = (parameters < 0 ? token : token.substring(0, parameters)).trim();
            if (coding.equalsIgnoreCase("gzip")) {
                return true;
            }
        }
        return false;
    }

    private static byte[] gzip(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 3 + 64);
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException("gzip into memory failed", e); // never: no I/O happens
        }
        return out.toByteArray();
    }
}
