package dev.billing.spring;

import dev.billing.http.Exchange;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * An {@link Exchange} over a servlet request and response. The body is kept until {@link #commit()}, so an error
 * decided after a result was set still replaces it.
 */
final class ServletExchange implements Exchange {
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final Map<String, String> pathParams;
    private byte[] body;

    ServletExchange(HttpServletRequest request, HttpServletResponse response, Map<String, String> pathParams) {
        this.request = request;
        this.response = response;
        this.pathParams = pathParams;
    }

    @Override
    public String method() {
        return request.getMethod();
    }

    @Override
    public String path() {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        return context != null && !context.isEmpty() && uri.startsWith(context) ? uri.substring(context.length()) : uri;
    }

    @Override
    public String pathParam(String name) {
        return pathParams.get(name);
    }

    @Override
    public String header(String name) {
        return request.getHeader(name);
    }

    @Override
    public String queryParam(String name) {
        return request.getParameter(name);
    }

    @Override
    public String cookie(String name) {
        Cookie[] cookies = request.getCookies();
        if (cookies == null) {
            return null;
        }
        for (Cookie cookie : cookies) {
            if (cookie.getName().equals(name)) {
                return cookie.getValue();
            }
        }
        return null;
    }

    @Override
    public String remoteAddress() {
        return request.getRemoteAddr();
    }

    @Override
    public long contentLength() {
        return request.getContentLengthLong();
    }

    @Override
    public InputStream body() throws IOException {
        return request.getInputStream();
    }

    @Override
    public void header(String name, String value) {
        response.setHeader(name, value);
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
        response.setContentType(contentType);
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

    /** Writes the body, if any. */
    void commit() throws IOException {
        if (body != null) {
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        }
    }
}
