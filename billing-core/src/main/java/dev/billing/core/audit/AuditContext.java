package dev.billing.core.audit;

import dev.billing.core.model.audit.AuditCause;

/**
 * The cause of the work this thread does now: entered by whoever starts the work (the HTTP API per request, the
 * inbox per event, the CLI per command) and read by the use cases, which hand it to the stores with each write
 * ({@code subscriptions.upsertSubscription(s, AuditContext.current())}). The stores never read it themselves: a
 * store that writes on another thread (a group commit) has each write's cause from its call.
 *
 * <p>Usage: {@code try (AuditContext.Scope scope = AuditContext.enter(AuditCause.request(id))) { ... }}
 */
public final class AuditContext {
    private static final ThreadLocal<AuditCause> CURRENT = new ThreadLocal<>();

    private AuditContext() {}

    /** The cause entered on this thread, or null (work nobody attributed). */
    public static AuditCause current() {
        return CURRENT.get();
    }

    /** The cause entered on this thread, or {@code fallback}. */
    public static AuditCause currentOr(AuditCause fallback) {
        AuditCause cause = CURRENT.get();
        return cause == null ? fallback : cause;
    }

    /** Makes {@code cause} current until the scope closes, then restores the previous one (scopes nest). */
    public static Scope enter(AuditCause cause) {
        AuditCause previous = CURRENT.get();
        CURRENT.set(cause);
        return new Scope(previous);
    }

    /** An entered cause; close it on the thread that entered it. */
    public static final class Scope implements AutoCloseable {
        private final AuditCause previous;

        private Scope(AuditCause previous) {
            this.previous = previous;
        }

        @Override
        public void close() {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        }
    }
}
