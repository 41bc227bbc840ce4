package dev.billing.http;

import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.MethodNotAllowedResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/** An {@link Exchange} over a Javalin {@link Context}; attributes live on the context, so wrappers are cheap. */
final class JavalinExchange implements Exchange {
    private final Context ctx;

    private JavalinExchange(Context ctx) {
        this.ctx = ctx;
    }

    static JavalinExchange of(Context ctx) {
        return new JavalinExchange(ctx);
    }

    /** What Javalin itself refused (no route, wrong method, too large) as the API's own error. */
    static ApiException refusal(HttpResponseException e) {
        int status = e.getStatus();
        if (status == 404) {
            return ApiException.of(404, "not_found", "There is no such route.");
        }
        if (status == 405) {
            Map<String, String> headers = new LinkedHashMap<>();
            if (e instanceof MethodNotAllowedResponse m) {
                String allowed = m.getDetails()
                        .getOrDefault("availableMethods", m.getDetails().get("Available methods"));
                if (allowed != null) {
                    headers.put("Allow", allowed);
                }
            }
            return ApiException.of(405, "method_not_allowed", "This route does not accept this method.", headers);
        }
        if (status == 413) {
            return ApiException.of(413, "payload_too_large", "The request body is too large.");
        }
        if (status >= 400 && status < 500) {
            return ApiException.of(status, "bad_request", "The request could not be handled.");
        }
        return ApiException.of(
                500, "internal_error", "Something went wrong on our side; the request id identifies it.");
    }

    @Override
    public String method() {
        return ctx.method().name();
    }

    @Override
    public String path() {
        return ctx.path();
    }

    @Override
    public String pathParam(String name) {
        return ctx.pathParam(name);
    }

    @Override
    public String header(String name) {
        return ctx.header(name);
    }

    @Override
    public String queryParam(String name) {
        return ctx.queryParam(name);
    }

    @Override
    public String cookie(String name) {
        return ctx.cookie(name);
    }

    @Override
    public String remoteAddress() {
        return ctx.ip();
    }

    @Override
    public long contentLength() {
        return ctx.req().getContentLengthLong();
    }

    @Override
    public InputStream body() throws IOException {
        return ctx.req().getInputStream();
    }

    @Override
    public void header(String name, String value) {
        ctx.header(name, value);
    }

    @Override
    public void status(int status) {
        ctx.status(status);
    }

    @Override
    public int status() {
        return ctx.statusCode();
    }

    @Override
    public void contentType(String contentType) {
        ctx.contentType(contentType);
    }

    @Override
    public void result(byte[] body) {
        ctx.result(body);
    }

    @Override
    public void attribute(String name, Object value) {
        ctx.attribute(name, value);
    }

    @Override
    public Object attribute(String name) {
        return ctx.attribute(name);
    }
}
