package dev.billing.http;

import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * An {@link Exchange} over Jetty's own request and response, for the routes {@link DirectRoutes} serves without the
 * servlet layer. The answer's body is kept until {@link #send} writes it whole, with its length.
 */
final class JettyExchange implements Exchange {
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

    /** Writes the answer, whole and with its length, and completes the exchange through {@code callback}. */
    void send(Callback callback) {
        response.getHeaders().put(new HttpField.LongValueHttpField(HttpHeader.CONTENT_LENGTH, body.length));
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
