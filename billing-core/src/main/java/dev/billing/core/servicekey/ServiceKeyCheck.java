package dev.billing.core.servicekey;

import dev.billing.core.model.servicekey.ServiceKey;
import java.util.Objects;

/** What {@link ServiceKeys#check} found: the key, or why it does not open anything. */
public sealed interface ServiceKeyCheck {

    /** A key that is known, matches, is not revoked and has not expired. */
    record Accepted(ServiceKey key) implements ServiceKeyCheck {
        public Accepted {
            Objects.requireNonNull(key, "key");
        }
    }

    /** A refusal; the reason is for the answer's code and the logs, never with the secret. */
    record Rejected(Reason reason, String keyId) implements ServiceKeyCheck {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }
    }

    enum Reason {
        /** Not of the key's form. */
        MALFORMED,
        /** No such id, or the secret does not match (one reason: the answer must not tell ids apart). */
        UNKNOWN,
        /** The right secret of a revoked key. */
        REVOKED,
        /** The right secret of a key past its expiry. */
        EXPIRED
    }
}
