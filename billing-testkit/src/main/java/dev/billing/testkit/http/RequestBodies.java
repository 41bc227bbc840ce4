package dev.billing.testkit.http;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Flow;

/** Reads back the body a request was built with (the in-memory publishers tests use deliver it at once). */
final class RequestBodies {
    private RequestBodies() {}

    /** The body as UTF-8 text, empty when there is none or it cannot be read back synchronously. */
    static String text(HttpRequest request) {
        if (request.bodyPublisher().isEmpty()) {
            return "";
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        boolean[] complete = {false};
        request.bodyPublisher().get().subscribe(new Flow.Subscriber<ByteBuffer>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer item) {
                byte[] chunk = new byte[item.remaining()];
                item.get(chunk);
                bytes.write(chunk, 0, chunk.length);
            }

            @Override
            public void onError(Throwable throwable) {
                complete[0] = false;
            }

            @Override
            public void onComplete() {
                complete[0] = true;
            }
        });
        return complete[0] ? bytes.toString(StandardCharsets.UTF_8) : "";
    }
}
