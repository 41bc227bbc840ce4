package dev.billing.http;

import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Request ids: a sane incoming {@code X-Request-Id} (1-128 of {@code [A-Za-z0-9._:-]}) is kept, anything else is
 * replaced by a generated {@code req_<24 hex>}. The id goes on every response, into the error body, and to the
 * {@link dev.billing.http.log.RequestLog} (the logging MDC as {@code requestId} with SLF4J).
 *
 * <p>Usage: {@code String id = RequestIds.assign(ctx);}
 */
public final class RequestIds {
    public static final String HEADER = "X-Request-Id";
    private static final String ATTRIBUTE = "billing.requestId";
    private static final Pattern SANE = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private RequestIds() {}

    /** Picks the id for this request, sets the response header and the context attribute. */
    public static String assign(Exchange ctx) {
        String incoming = ctx.header(HEADER);
        String id = incoming != null && SANE.matcher(incoming).matches() ? incoming : generate();
        ctx.attribute(ATTRIBUTE, id);
        ctx.header(HEADER, id);
        return id;
    }

    /** This request's id (assigning one if the before-handler did not run). */
    public static String current(Exchange ctx) {
        Object id = ctx.attribute(ATTRIBUTE);
        return id instanceof String s ? s : assign(ctx);
    }

    /**
     * A fresh id: {@code req_} and 24 random hex digits (96 bits). Request ids only need to be unique, not secret,
     * so they come from {@link ThreadLocalRandom} (no lock) rather than {@code SecureRandom}, whose default source
     * on Linux serializes every caller on one lock.
     */
    public static String generate() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        char[] out = new char[28];
        out[0] = 'r';
        out[1] = 'e';
        out[2] = 'q';
        out[3] = '_';
        long high = random.nextLong();
        int low = random.nextInt();
        for (int i = 0; i < 16; i++) {
            out[4 + i] = HEX[(int) (high >>> (60 - 4 * i)) & 0xf];
        }
        for (int i = 0; i < 8; i++) {
            out[20 + i] = HEX[(low >>> (28 - 4 * i)) & 0xf];
        }
        return new String(out);
    }
}
