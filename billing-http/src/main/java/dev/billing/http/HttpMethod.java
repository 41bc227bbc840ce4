package dev.billing.http;

/** The HTTP methods the API's routes answer (HEAD and OPTIONS are handled around the routes). */
public enum HttpMethod {
    GET,
    POST,
    DELETE
}
