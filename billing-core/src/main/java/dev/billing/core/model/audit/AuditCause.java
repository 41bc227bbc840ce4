package dev.billing.core.model.audit;

import dev.billing.core.model.Checks;
import java.util.Locale;
import java.util.Objects;

/**
 * Why billing state changed: a Stripe (or Clerk) event, a user's request, an admin, a service key, or the system's own
 * work. Stored as {@link #text()} ({@code event:evt_1}, {@code request:req_1}, {@code admin:req_2},
 * {@code service:bsk_0123456789abcdef:req_3}, {@code system:migration}).
 *
 * <p>Usage: {@code AuditCause cause = AuditCause.event(entry.eventId());}
 */
public record AuditCause(Kind kind, String id) {
    /**
     * The cause of a store-to-store copy ({@code MigrateStores}): the stores record no audit entry for a projection
     * write with it, because the copy brings the source's own entries for those changes.
     */
    public static final AuditCause MIGRATION = new AuditCause(Kind.SYSTEM, "migration");

    /** The longest id a cause carries (request ids are at most 128 characters, Stripe's event ids far less). */
    public static final int MAX_ID_LENGTH = 200;

    /** Who or what caused a change. */
    public enum Kind {
        /** A Stripe or Clerk event, by its id. */
        EVENT,
        /** A user's request, by its request id. */
        REQUEST,
        /** An admin (the admin token or the CLI), by the request id when there is one. */
        ADMIN,
        /** The system's own work (a migration, a tool), by a short name. */
        SYSTEM,
        /** A service API key acting for a party, by the key's id and the request's ({@code bsk_...:req_...}). */
        SERVICE;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }

        /** Whether someone asked for the change (a user, an admin, a service key), not an event or the system. */
        public boolean isRequest() {
            return this == REQUEST || this == ADMIN || this == SERVICE;
        }
    }

    public AuditCause {
        Objects.requireNonNull(kind, "kind");
        if (id != null) {
            Checks.text(id, "id", MAX_ID_LENGTH);
        } else if (kind == Kind.EVENT || kind == Kind.REQUEST || kind == Kind.SERVICE) {
            throw new IllegalArgumentException(kind.wireName() + " causes need an id");
        }
    }

    public static AuditCause event(String eventId) {
        return new AuditCause(Kind.EVENT, eventId);
    }

    public static AuditCause request(String requestId) {
        return new AuditCause(Kind.REQUEST, requestId);
    }

    /** @param requestId the admin request's id, or null (the CLI) */
    public static AuditCause admin(String requestId) {
        return new AuditCause(Kind.ADMIN, requestId);
    }

    /**
     * A request made with a service key: the key's id names who, the request id keeps two requests apart (an explicit
     * entry is recorded once per cause).
     */
    public static AuditCause service(String keyId, String requestId) {
        return new AuditCause(Kind.SERVICE, keyId + ":" + requestId);
    }

    /** The service key's id of a {@link Kind#SERVICE} cause, or null. */
    public String serviceKeyId() {
        if (kind != Kind.SERVICE) {
            return null;
        }
        int colon = id.indexOf(':');
        return colon < 0 ? id : id.substring(0, colon);
    }

    public static AuditCause system(String what) {
        return new AuditCause(Kind.SYSTEM, what);
    }

    /** The stored form: the kind, and {@code :id} when there is one. */
    public String text() {
        return id == null ? kind.wireName() : kind.wireName() + ":" + id;
    }

    /** The cause {@link #text()} wrote; null stays null. */
    public static AuditCause parse(String text) {
        if (text == null) {
            return null;
        }
        int colon = text.indexOf(':');
        String kind = colon < 0 ? text : text.substring(0, colon);
        for (Kind k : Kind.values()) {
            if (k.wireName().equals(kind)) {
                return new AuditCause(k, colon < 0 ? null : text.substring(colon + 1));
            }
        }
        throw new IllegalArgumentException("not an audit cause: " + text);
    }

    @Override
    public String toString() {
        return text();
    }
}
