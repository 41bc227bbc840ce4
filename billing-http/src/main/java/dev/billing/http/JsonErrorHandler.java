package dev.billing.http;

import dev.billing.http.wire.ErrorBody;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error answers (requests refused before they reach Javalin: headers too large -> 431, a malformed
 * request line or URI -> 400) in the API's error shape, with an {@code X-Request-Id}, instead of Jetty's HTML.
 */
final class JsonErrorHandler extends ErrorHandler {
    private final JsonCodec json;

    JsonErrorHandler(JsonCodec json) {
        this.json = json;
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        String requestId = RequestIds.generate();
        fields.put(HttpHeader.CONTENT_TYPE.asString(), "application/json");
        fields.put(RequestIds.HEADER, requestId);
        return ByteBuffer.wrap(json.write(body(status, requestId)));
    }

    @Override
    protected void generateResponse(
            Request request, Response response, int code, String message, Throwable cause, Callback callback) {
        String requestId = RequestIds.generate();
        response.getHeaders().put(HttpHeader.CONTENT_TYPE.asString(), "application/json");
        response.getHeaders().put(RequestIds.HEADER, requestId);
        response.write(true, ByteBuffer.wrap(json.write(body(code, requestId))), callback);
    }

    private static ErrorBody body(int status, String requestId) {
        return switch (status) {
            case 431 -> ErrorBody.of("headers_too_large", "The request headers are too large.", requestId);
            case 413 -> ErrorBody.of("payload_too_large", "The request body is too large.", requestId);
            case 404 -> ErrorBody.of("not_found", "There is no such route.", requestId);
            case 400 -> ErrorBody.of("bad_request", "The request is malformed.", requestId);
            default ->
                status >= 500
                        ? ErrorBody.of("internal_error", "Something went wrong on our side.", requestId)
                        : ErrorBody.of("bad_request", "The request could not be handled.", requestId);
        };
    }
}
