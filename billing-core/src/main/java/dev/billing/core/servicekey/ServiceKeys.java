package dev.billing.core.servicekey;

import dev.billing.core.audit.AuditContext;
import dev.billing.core.error.InvalidRequestException;
import dev.billing.core.model.Page;
import dev.billing.core.model.audit.AuditAction;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.audit.AuditRecord;
import dev.billing.core.model.servicekey.IssuedServiceKey;
import dev.billing.core.model.servicekey.ServiceKey;
import dev.billing.core.model.servicekey.ServiceScope;
import dev.billing.core.port.AuditLog;
import dev.billing.core.port.ServiceKeyStore;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Service API keys: created, listed, rotated and revoked by admins (the CLI, the admin routes), and checked on each
 * request that carries one. A key is {@code bsk_<16 hex id>_<64 hex secret>}: the id finds the stored key, and the
 * SHA-256 of the whole key is compared with the stored hash in constant time. The secret has 256 random bits, so a
 * plain hash is enough (no password stretching: nothing here is guessable), and the store never holds a secret.
 *
 * <p>Usage: {@code IssuedServiceKey k = serviceKeys.create("chat", Set.of(ServiceScope.USAGE_WRITE), null);}
 */
public final class ServiceKeys {
    private static final HexFormat HEX = HexFormat.of();
    private static final int KEY_LENGTH = ServiceKey.PREFIX.length() + 16 + 1 + 64;

    private final ServiceKeyStore store;
    private final AuditLog audit;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    /**
     * @param audit where creations, rotations and revocations are recorded, with the cause the caller entered
     *              ({@link AuditContext}: the admin request, or the CLI's command)
     */
    public ServiceKeys(ServiceKeyStore store, AuditLog audit, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Keys without an audit trail (tests of a store alone). */
    public ServiceKeys(ServiceKeyStore store, Clock clock) {
        this(store, AuditLog.NONE, clock);
    }

    /** Whether a bearer credential is meant as a service key (the prefix decides which check it gets). */
    public static boolean looksLikeKey(String credential) {
        return credential != null && credential.startsWith(ServiceKey.PREFIX);
    }

    /**
     * Creates a key.
     *
     * @param expiresAt when it stops working, or null for never; must be in the future
     */
    public IssuedServiceKey create(String name, Set<ServiceScope> scopes, Instant expiresAt) {
        Instant now = now();
        if (name == null
                || name.isBlank()
                || name.length() > 100
                || name.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidRequestException("invalid_name", "name", "A key's name is 1-100 printable characters.");
        }
        if (scopes == null || scopes.isEmpty()) {
            throw new InvalidRequestException("invalid_scopes", "scopes", "A key needs at least one scope.");
        }
        expiresAt = expiresAt == null ? null : expiresAt.truncatedTo(ChronoUnit.MICROS);
        if (expiresAt != null && !expiresAt.isAfter(now)) {
            throw new InvalidRequestException("invalid_expires_at", "expiresAt", "expiresAt must be in the future.");
        }
        for (int attempt = 0; ; attempt++) {
            String id = ServiceKey.PREFIX + HEX.formatHex(bytes(8));
            String secret = id + "_" + HEX.formatHex(bytes(32));
            ServiceKey key = new ServiceKey(id, name, scopes, hash(secret), now, expiresAt, null, null);
            if (store.insert(key)) {
                record(AuditAction.SERVICE_KEY_CREATED, key);
                return new IssuedServiceKey(key, secret);
            }
            if (attempt > 3) { // 64 random bits colliding four times is a broken random source, not bad luck
                throw new IllegalStateException("could not find a free service key id");
            }
        }
    }

    public Optional<ServiceKey> find(String id) {
        return ServiceKey.isId(id) ? store.find(id) : Optional.empty();
    }

    public Page<ServiceKey> list(String cursor, int limit) {
        return store.list(cursor, limit);
    }

    /** A new secret for a key that is not revoked; the old one stops working at once. Empty when there is none. */
    public Optional<IssuedServiceKey> rotate(String id) {
        if (!ServiceKey.isId(id)) {
            return Optional.empty();
        }
        String secret = id + "_" + HEX.formatHex(bytes(32));
        Optional<ServiceKey> rotated = store.rotate(id, hash(secret), now());
        rotated.ifPresent(k -> record(AuditAction.SERVICE_KEY_ROTATED, k));
        return rotated.map(k -> new IssuedServiceKey(k, secret));
    }

    /** Revokes the key for good; empty when there is none. */
    public Optional<ServiceKey> revoke(String id) {
        if (!ServiceKey.isId(id)) {
            return Optional.empty();
        }
        Optional<ServiceKey> revoked = store.revoke(id, now());
        revoked.ifPresent(k -> record(AuditAction.SERVICE_KEY_REVOKED, k));
        return revoked;
    }

    /** Checks a presented key. */
    public ServiceKeyCheck check(String presented) {
        if (presented == null
                || presented.length() != KEY_LENGTH
                || presented.charAt(20) != '_'
                || !ServiceKey.isId(presented.substring(0, 20))) {
            return new ServiceKeyCheck.Rejected(ServiceKeyCheck.Reason.MALFORMED, null);
        }
        String id = presented.substring(0, 20);
        Optional<ServiceKey> stored = store.find(id);
        byte[] given = digest(presented);
        // Compared even when the id is unknown, against a hash of nothing, so the answer takes as long either way.
        byte[] expected = stored.map(k -> HEX.parseHex(k.secretHash())).orElseGet(() -> digest(""));
        if (!MessageDigest.isEqual(given, expected) || stored.isEmpty()) {
            return new ServiceKeyCheck.Rejected(ServiceKeyCheck.Reason.UNKNOWN, id);
        }
        ServiceKey key = stored.get();
        if (key.revokedAt() != null) {
            return new ServiceKeyCheck.Rejected(ServiceKeyCheck.Reason.REVOKED, id);
        }
        if (!key.activeAt(now())) {
            return new ServiceKeyCheck.Rejected(ServiceKeyCheck.Reason.EXPIRED, id);
        }
        return new ServiceKeyCheck.Accepted(key);
    }

    /** Once per key, action and cause: a revocation repeated by the same request records nothing more. */
    private void record(AuditAction action, ServiceKey key) {
        Map<String, String> detail = new LinkedHashMap<>();
        detail.put("name", key.name());
        detail.put(
                "scopes",
                key.scopes().stream().sorted().map(ServiceScope::wireName).collect(Collectors.joining(" ")));
        if (key.expiresAt() != null) {
            detail.put("expires_at", key.expiresAt().toString());
        }
        audit.record(
                new AuditRecord(action, key.id(), null, null, AuditContext.currentOr(AuditCause.admin(null)), detail));
    }

    /** Whole microseconds: what every store keeps, so a copied key compares equal. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    static String hash(String secret) {
        return HEX.formatHex(digest(secret));
    }

    private static byte[] digest(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
