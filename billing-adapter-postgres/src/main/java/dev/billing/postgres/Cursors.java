package dev.billing.postgres;

import dev.billing.core.error.InvalidRequestException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * Opaque keyset cursors: the sort key of a page's last row, each part base64url-encoded, joined with '.'.
 * A cursor that does not decode to the expected number of parts is the caller's mistake (400), not a store error.
 */
final class Cursors {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private Cursors() {}

    static String encode(String... parts) {
        StringBuilder out = new StringBuilder();
        for (String part : parts) {
            if (out.length() > 0) {
                out.append('.');
            }
            out.append(ENCODER.encodeToString(part.getBytes(StandardCharsets.UTF_8)));
        }
        return out.toString();
    }

    /** The parts of {@code cursor}; null when the cursor is null (the first page). */
    static List<String> decode(String cursor, int parts) {
        if (cursor == null) {
            return null;
        }
        String[] pieces = cursor.split("\\.", -1);
        if (pieces.length != parts) {
            throw invalid();
        }
        try {
            String[] decoded = new String[parts];
            for (int i = 0; i < parts; i++) {
                decoded[i] = new String(DECODER.decode(pieces[i]), StandardCharsets.UTF_8);
            }
            return List.of(decoded);
        } catch (IllegalArgumentException e) {
            throw invalid();
        }
    }

    static long decodeLong(String part) {
        try {
            return Long.parseLong(part);
        } catch (NumberFormatException e) {
            throw invalid();
        }
    }

    /** An instant as whole microseconds since the epoch (the precision Postgres keeps), for a cursor part. */
    static String micros(Instant instant) {
        return Long.toString(
                Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000));
    }

    static Instant instantFromMicros(String part) {
        long micros = decodeLong(part);
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
    }

    static void checkLimit(int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be at least 1");
        }
    }

    private static InvalidRequestException invalid() {
        return new InvalidRequestException("invalid_cursor", "cursor", "The cursor is not valid for this list.");
    }
}
