package dev.billing.core.port;

/**
 * The audit trail: every change of billing state, recorded once with its cause. (Methods arrive with issue 20.)
 */
public interface AuditLog {

    /** Stores that keep no audit trail. */
    AuditLog NONE = new AuditLog() {
    };
}
