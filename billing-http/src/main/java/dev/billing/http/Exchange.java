package dev.billing.http;

import java.io.IOException;
import java.io.InputStream;

/**
 * What the API needs of one HTTP request and its response, whichever server carries it: Javalin
 * ({@link HttpApi}) or a servlet container behind Spring MVC. Header names are case-insensitive.
 */
public interface Exchange {

    /** The method, upper case ({@code GET}, {@code HEAD}, {@code OPTIONS}, ...). */
    String method();

    /** The request path, without the query string. */
    String path();

    /** A path parameter of the matched route template ({@code {id}}). */
    String pathParam(String name);

    /** The first value of a request header, or null. */
    String header(String name);

    /** The first value of a query parameter, or null. */
    String queryParam(String name);

    /** A request cookie's value, or null. */
    String cookie(String name);

    /** The address of the peer that sent the request. */
    String remoteAddress();

    /** The declared length of the body, or -1. */
    long contentLength();

    /** The body as it arrives (read at most once). */
    InputStream body() throws IOException;

    /** Sets (replaces) a response header. */
    void header(String name, String value);

    void status(int status);

    /** The response status set so far. */
    int status();

    void contentType(String contentType);

    /** The response body (the last call wins). */
    void result(byte[] body);

    /** A value kept with this exchange (request id, user). */
    void attribute(String name, Object value);

    Object attribute(String name);
}
