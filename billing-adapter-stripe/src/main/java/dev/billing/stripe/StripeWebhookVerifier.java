package dev.billing.stripe;

import dev.billing.core.error.WebhookRejectedException;
import dev.billing.core.error.WebhookRejectedException.Reason;
import dev.billing.core.model.event.EventObject;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.port.WebhookVerifier;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies Stripe webhook deliveries and decodes the events they carry (DESIGN §4.2).
 *
 * <p>Usage: {@code StripeEvent event = StripeWebhookVerifier.create(List.of(secret), clock).verify(body, header);}
 * with the endpoint's signing secret ({@code whsec_...}; during a rotation {@code List.of(newSecret, oldSecret)}).
 * Where the host keeps the secrets is its business: the server reads {@code STRIPE_WEBHOOK_SECRET}, the Spring starter
 * {@code billing.stripe.webhook-secrets}.
 *
 * <p>{@link #verify} checks the RAW bytes before any parsing: the {@code Stripe-Signature} header is parsed here
 * ({@code t=<unix seconds>}, one or more {@code v1=<hex>}; other schemes such as {@code v0} are ignored), the
 * HMAC-SHA256 of {@code t + "." + body} under each configured secret (several during a rotation) is compared in
 * constant time with every {@code v1}, and the timestamp must be within the tolerance of the clock in BOTH
 * directions (stripe-java only rejects old ones). Only then is the body decoded (strict UTF-8) and its envelope read
 * in one streaming pass. Every failure is a {@link WebhookRejectedException} with a {@link Reason}; nothing else
 * escapes. An event of another {@code api_version} is accepted: decoding does not depend on it, and the core
 * re-fetches subscriptions and invoices by id anyway.
 *
 * <p>{@link #decode} reads {@code data.object} into the core's {@link EventObject}s (see {@link StripeJson}),
 * versioned {@link dev.billing.core.model.SourceVersion#snapshot} at the event's {@code created}.
 * {@link #verifyAndDecode} does both with one reading of the payload, for the webhook route, which would otherwise
 * read every event twice (docs/BENCHMARKS_HISTORY.md, "Issue 23's changes, before and after").
 *
 * <p>Thread-safe; the secrets are never logged nor part of any message or {@link #toString()}.
 */
public final class StripeWebhookVerifier implements WebhookVerifier {
    /** Stripe's own default tolerance. */
    public static final Duration DEFAULT_TOLERANCE = Duration.ofSeconds(300);
    /** Longer headers are refused before any work (a real one is about 100 bytes per signature). */
    static final int MAX_HEADER_LENGTH = 8 * 1024;

    private static final String HMAC = "HmacSHA256";
    private static final int SIGNATURE_BYTES = 32;

    private final List<Mac> prototypes;
    private final Clock clock;
    private final long toleranceSeconds;

    private StripeWebhookVerifier(List<Mac> prototypes, Clock clock, Duration tolerance) {
        this.prototypes = prototypes;
        this.clock = clock;
        this.toleranceSeconds = tolerance.toSeconds();
    }

    /** A verifier for the given endpoint secrets with the default tolerance of 300 seconds. */
    public static StripeWebhookVerifier create(List<String> secrets, Clock clock) {
        return create(secrets, clock, DEFAULT_TOLERANCE);
    }

    /**
     * @param secrets   the endpoint's signing secrets ({@code whsec_...}); during a rotation the old and the new one
     * @param tolerance how far the signed timestamp may be from the clock, in either direction (whole seconds)
     */
    public static StripeWebhookVerifier create(List<String> secrets, Clock clock, Duration tolerance) {
        Objects.requireNonNull(secrets, "secrets");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(tolerance, "tolerance");
        if (tolerance.isNegative() || tolerance.toSeconds() < 1 || tolerance.compareTo(Duration.ofDays(1)) > 0) {
            throw new IllegalArgumentException("tolerance must be between 1 second and 1 day, was " + tolerance);
        }
        Set<String> distinct = new LinkedHashSet<>();
        for (String secret : secrets) {
            if (secret == null || secret.isBlank() || secret.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("a webhook secret must be non-blank without whitespace");
            }
            distinct.add(secret);
        }
        if (distinct.isEmpty()) {
            throw new IllegalArgumentException("at least one webhook secret is required");
        }
        List<Mac> macs = new ArrayList<>();
        for (String secret : distinct) {
            macs.add(mac(secret));
        }
        return new StripeWebhookVerifier(List.copyOf(macs), clock, tolerance);
    }

    /** How many secrets are accepted (two during a rotation). */
    public int secretCount() {
        return prototypes.size();
    }

    @Override
    public StripeEvent verify(byte[] payload, String signatureHeader) {
        return StripeEventReader.read(verifiedBody(payload, signatureHeader));
    }

    /**
     * Verifies as {@link #verify} does, reading the envelope and keeping {@code data.object} in one pass, then decodes
     * the kept object. An object that does not decode is left out (processing decodes it again, and parks the event
     * with the reason): the delivery is accepted or refused exactly as by {@link #verify}.
     */
    @Override
    public Verified verifyAndDecode(byte[] payload, String signatureHeader) {
        StripeEventReader.Read read = StripeEventReader.readKeeping(verifiedBody(payload, signatureHeader));
        EventObject object = null;
        if (read.object() != null) {
            try {
                object = StripeJson.decode(read.event(), read.object(), read.previous());
            } catch (RuntimeException undecodable) {
                // left to processing, which records why on the event
            }
        }
        return new Verified(read.event(), object);
    }

    /** The body as text once its signature and timestamp are good; throws the rejection otherwise. */
    private String verifiedBody(byte[] payload, String signatureHeader) {
        SignatureHeader header = SignatureHeader.parse(signatureHeader);
        byte[] body = payload == null ? new byte[0] : payload;
        if (!signedByAnySecret(header, body)) {
            throw new WebhookRejectedException(
                    Reason.NO_MATCHING_SIGNATURE,
                    "No v1 signature matches the payload under any configured webhook secret.");
        }
        long now = clock.instant().getEpochSecond();
        if (now - header.seconds() > toleranceSeconds) {
            throw new WebhookRejectedException(
                    Reason.TIMESTAMP_TOO_OLD,
                    "The signature timestamp is " + (now - header.seconds()) + " s old; the tolerance is "
                            + toleranceSeconds + " s.");
        }
        if (header.seconds() - now > toleranceSeconds) {
            throw new WebhookRejectedException(
                    Reason.TIMESTAMP_IN_FUTURE,
                    "The signature timestamp is " + (header.seconds() - now) + " s in the future; the tolerance is "
                            + toleranceSeconds + " s.");
        }
        return utf8(body);
    }

    @Override
    public EventObject decode(StripeEvent event) {
        Objects.requireNonNull(event, "event");
        return StripeJson.decode(event);
    }

    @Override
    public String toString() {
        return "StripeWebhookVerifier[secrets=" + prototypes.size() + ", tolerance=" + toleranceSeconds + "s]";
    }

    private boolean signedByAnySecret(SignatureHeader header, byte[] body) {
        boolean matched = false;
        for (Mac prototype : prototypes) {
            Mac mac = copy(prototype);
            mac.update(header.timestamp());
            mac.update((byte) '.');
            byte[] expected = mac.doFinal(body);
            for (byte[] candidate : header.signatures()) {
                // Constant time per comparison; every candidate is compared (no early exit on a match).
                matched |= MessageDigest.isEqual(expected, candidate);
            }
        }
        return matched;
    }

    private static Mac mac(String secret) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), HMAC));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is required by every Java platform", e);
        }
    }

    /** A fresh initialized Mac: cloning the keyed prototype skips the provider lookup and key setup. */
    private static Mac copy(Mac prototype) {
        try {
            return (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the HmacSHA256 provider cannot clone", e);
        }
    }

    private static String utf8(byte[] body) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(body))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new WebhookRejectedException(Reason.MALFORMED_PAYLOAD, "The payload is not UTF-8.");
        }
    }

    /**
     * The parsed {@code Stripe-Signature} header: the timestamp exactly as sent (ASCII digits, as signed) and the
     * decoded {@code v1} signatures.
     */
    record SignatureHeader(byte[] timestamp, long seconds, List<byte[]> signatures) {

        static SignatureHeader parse(String header) {
            if (header == null || header.isBlank()) {
                throw new WebhookRejectedException(Reason.MISSING_SIGNATURE, "The Stripe-Signature header is missing.");
            }
            if (header.length() > MAX_HEADER_LENGTH) {
                throw malformed("the header is longer than " + MAX_HEADER_LENGTH + " characters");
            }
            String timestamp = null;
            List<byte[]> signatures = new ArrayList<>();
            int unreadable = 0;
            int otherSchemes = 0;
            int start = 0;
            while (start <= header.length()) {
                int comma = header.indexOf(',', start);
                int end = comma < 0 ? header.length() : comma;
                String item = header.substring(start, end).strip();
                start = end + 1;
                int eq = item.indexOf('=');
                if (eq <= 0) {
                    continue; // not a key=value item: ignored, as Stripe's libraries do
                }
                String key = item.substring(0, eq);
                String value = item.substring(eq + 1);
                if (key.equals("t")) {
                    if (timestamp != null) {
                        throw malformed("more than one timestamp");
                    }
                    if (!digits(value)) {
                        throw malformed("the timestamp is not a Unix time in seconds");
                    }
                    timestamp = value;
                } else if (key.equals("v1")) {
                    byte[] signature = hex(value);
                    if (signature == null) {
                        unreadable++;
                    } else {
                        signatures.add(signature);
                    }
                } else if (isScheme(key)) {
                    otherSchemes++;
                }
            }
            if (timestamp == null) {
                throw malformed("no timestamp (t=)");
            }
            if (signatures.isEmpty()) {
                if (unreadable > 0) {
                    throw malformed("no v1 signature is 64 hexadecimal digits");
                }
                if (otherSchemes == 0) {
                    throw malformed("no signature");
                }
                throw new WebhookRejectedException(
                        Reason.NO_MATCHING_SIGNATURE,
                        "The Stripe-Signature header has signatures of other schemes only (no v1).");
            }
            return new SignatureHeader(
                    timestamp.getBytes(StandardCharsets.US_ASCII), Long.parseLong(timestamp), List.copyOf(signatures));
        }

        /** {@code v0}, {@code v2}...: a signature scheme this verifier does not use. */
        private static boolean isScheme(String key) {
            return key.length() > 1 && key.charAt(0) == 'v' && digits(key.substring(1));
        }

        private static boolean digits(String value) {
            if (value.isEmpty() || value.length() > 18) {
                return false;
            }
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c < '0' || c > '9') {
                    return false;
                }
            }
            return true;
        }

        /** 32 bytes from 64 hex digits, or null. */
        private static byte[] hex(String value) {
            if (value.length() != 2 * SIGNATURE_BYTES) {
                return null;
            }
            byte[] bytes = new byte[SIGNATURE_BYTES];
            for (int i = 0; i < SIGNATURE_BYTES; i++) {
                int high = hexDigit(value.charAt(2 * i));
                int low = hexDigit(value.charAt(2 * i + 1));
                if (high < 0 || low < 0) {
                    return null;
                }
                bytes[i] = (byte) (high << 4 | low);
            }
            return bytes;
        }

        /** ASCII hex only ({@link Character#digit} would accept other scripts' digits). */
        private static int hexDigit(char c) {
            if (c >= '0' && c <= '9') {
                return c - '0';
            }
            if (c >= 'a' && c <= 'f') {
                return c - 'a' + 10;
            }
            if (c >= 'A' && c <= 'F') {
                return c - 'A' + 10;
            }
            return -1;
        }

        private static WebhookRejectedException malformed(String why) {
            return new WebhookRejectedException(
                    Reason.MALFORMED_SIGNATURE, "The Stripe-Signature header is malformed: " + why + ".");
        }
    }
}
