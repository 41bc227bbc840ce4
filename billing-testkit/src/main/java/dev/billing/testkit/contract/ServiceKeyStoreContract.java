package dev.billing.testkit.contract;

import static dev.billing.testkit.Builders.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.audit.AuditContext;
import dev.billing.core.model.Page;
import dev.billing.core.model.audit.AuditAction;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.audit.AuditEntry;
import dev.billing.core.model.audit.AuditQuery;
import dev.billing.core.model.servicekey.IssuedServiceKey;
import dev.billing.core.model.servicekey.ServiceKey;
import dev.billing.core.model.servicekey.ServiceScope;
import dev.billing.core.port.AuditLog;
import dev.billing.core.port.ServiceKeyStore;
import dev.billing.core.servicekey.ServiceKeyCheck;
import dev.billing.core.servicekey.ServiceKeys;
import dev.billing.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ServiceKeyStore} guarantees, through {@link ServiceKeys} over it: a key is found by its id and
 * opens only with its own secret; the store keeps a hash, never the secret; rotation replaces the secret at once;
 * revocation is for good and keeps its first time; an expired key is refused; listing walks every key by id; a
 * copy restores a key exactly and replaces one that differs. The stores may be shared: each test makes keys of its
 * own.
 */
public abstract class ServiceKeyStoreContract {
    private ServiceKeyStore store;
    private MutableClock clock;
    private ServiceKeys keys;

    protected abstract ServiceKeyStore store();

    /** The same store's audit trail, where creations, rotations and revocations are recorded; none by default. */
    protected AuditLog audit() {
        return AuditLog.NONE;
    }

    @BeforeEach
    void setUpKeys() {
        store = store();
        clock = MutableClock.at(Instant.now());
        keys = new ServiceKeys(store, audit(), clock);
    }

    private IssuedServiceKey issue(Instant expiresAt) {
        return keys.create("chat service", Set.of(ServiceScope.USAGE_WRITE, ServiceScope.ENTITLEMENTS_READ), expiresAt);
    }

    @Test
    void aKeyIsFoundByItsIdAndOpensOnlyWithItsOwnSecret() {
        IssuedServiceKey issued = issue(null);
        assertThat(issued.secret()).startsWith(issued.key().id() + "_").hasSize(85);
        ServiceKey stored = store.find(issued.key().id()).orElseThrow();
        assertThat(stored).isEqualTo(issued.key());
        assertThat(stored.scopes()).containsExactlyInAnyOrder(ServiceScope.USAGE_WRITE, ServiceScope.ENTITLEMENTS_READ);
        assertThat(stored.secretHash()).doesNotContain(issued.secret().substring(21));
        assertThat(keys.check(issued.secret())).isEqualTo(new ServiceKeyCheck.Accepted(stored));

        String wrong = issued.secret().substring(0, 84) + (issued.secret().endsWith("0") ? "1" : "0");
        assertThat(keys.check(wrong))
                .isEqualTo(new ServiceKeyCheck.Rejected(
                        ServiceKeyCheck.Reason.UNKNOWN, issued.key().id()));
        assertThat(keys.check("bsk_0000000000000000_" + "0".repeat(64))).isInstanceOf(ServiceKeyCheck.Rejected.class);
        assertThat(keys.check("bsk_nothex"))
                .isEqualTo(new ServiceKeyCheck.Rejected(ServiceKeyCheck.Reason.MALFORMED, null));
    }

    @Test
    void creatingRotatingAndRevokingAreAuditedOnceWithTheirCauseNeverTheSecret() {
        AuditLog trail = audit();
        org.junit.jupiter.api.Assumptions.assumeTrue(trail != AuditLog.NONE, "a store with an audit trail");
        IssuedServiceKey issued;
        try (AuditContext.Scope cause = AuditContext.enter(AuditCause.admin("req_keys_" + System.nanoTime()))) {
            issued = issue(null);
            keys.rotate(issued.key().id());
            keys.revoke(issued.key().id());
            keys.revoke(issued.key().id()); // the same request again: nothing more
        }
        List<AuditEntry> entries = new ArrayList<>();
        for (AuditAction action : List.of(
                AuditAction.SERVICE_KEY_CREATED, AuditAction.SERVICE_KEY_ROTATED, AuditAction.SERVICE_KEY_REVOKED)) {
            trail.list(AuditQuery.all(100).withAction(action)).items().stream()
                    .filter(e -> e.entityId().equals(issued.key().id()))
                    .forEach(entries::add);
        }
        assertThat(entries).hasSize(3);
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.cause().kind()).isEqualTo(AuditCause.Kind.ADMIN);
            assertThat(e.detail().toString())
                    .contains("chat service")
                    .doesNotContain(issued.secret().substring(21));
        });
    }

    @Test
    void anIdIsStoredOnce() {
        ServiceKey key = issue(null).key();
        ServiceKey other = new ServiceKey(
                key.id(), "another", Set.of(ServiceScope.CHECKOUT_WRITE), "0".repeat(64), T0, null, null, null);
        assertThat(store.insert(other)).isFalse();
        assertThat(store.find(key.id())).contains(key);
    }

    @Test
    void rotationReplacesTheSecretAtOnce() {
        IssuedServiceKey first = issue(null);
        clock.advance(Duration.ofMinutes(1));
        IssuedServiceKey second = keys.rotate(first.key().id()).orElseThrow();
        assertThat(second.key().id()).isEqualTo(first.key().id());
        assertThat(second.key().rotatedAt()).isNotNull();
        assertThat(keys.check(first.secret())).isInstanceOf(ServiceKeyCheck.Rejected.class);
        assertThat(keys.check(second.secret())).isInstanceOf(ServiceKeyCheck.Accepted.class);
        assertThat(store.find(first.key().id())).contains(second.key());
        assertThat(keys.rotate("bsk_ffffffffffffffff")).isEmpty();
    }

    @Test
    void revocationIsForGoodAndKeepsItsFirstTime() {
        IssuedServiceKey issued = issue(null);
        ServiceKey revoked = keys.revoke(issued.key().id()).orElseThrow();
        assertThat(revoked.revokedAt()).isNotNull();
        clock.advance(Duration.ofHours(1));
        assertThat(keys.revoke(issued.key().id())).contains(revoked);
        assertThat(keys.rotate(issued.key().id())).isEmpty();
        assertThat(keys.check(issued.secret()))
                .isEqualTo(new ServiceKeyCheck.Rejected(
                        ServiceKeyCheck.Reason.REVOKED, issued.key().id()));
        assertThat(keys.revoke("bsk_ffffffffffffffff")).isEmpty();
    }

    @Test
    void anExpiredKeyIsRefused() {
        IssuedServiceKey issued = issue(clock.instant().plus(Duration.ofDays(1)));
        assertThat(keys.check(issued.secret())).isInstanceOf(ServiceKeyCheck.Accepted.class);
        clock.advance(Duration.ofDays(1));
        assertThat(keys.check(issued.secret()))
                .isEqualTo(new ServiceKeyCheck.Rejected(
                        ServiceKeyCheck.Reason.EXPIRED, issued.key().id()));
    }

    @Test
    void listingWalksEveryKeyByIdAndACopyRestoresExactly() {
        List<String> mine = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            mine.add(issue(null).key().id());
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        Page<ServiceKey> page;
        do {
            page = store.list(cursor, 2);
            page.items().forEach(k -> seen.add(k.id()));
            cursor = page.nextCursor();
        } while (page.hasMore());
        assertThat(seen).isSorted().containsAll(mine).doesNotHaveDuplicates();
        assertThat(store.count()).isGreaterThanOrEqualTo(5);

        ServiceKey key = store.find(mine.get(0)).orElseThrow();
        assertThat(store.restore(key)).isFalse();
        ServiceKey changed = key.revoked(key.createdAt().plusSeconds(5));
        assertThat(store.restore(changed)).isTrue();
        assertThat(store.find(key.id())).contains(changed);
        assertThat(store.remove(key.id())).isTrue();
        assertThat(store.remove(key.id())).isFalse();
        ServiceKey copied = new ServiceKey(
                "bsk_" + mine.get(1).substring(4, 8) + "aaaabbbbcccc",
                "copied",
                Set.of(ServiceScope.CUSTOMERS_WRITE),
                "a".repeat(64),
                T0,
                T0.plusSeconds(86_400),
                T0.plusSeconds(60),
                null);
        store.remove(copied.id());
        assertThat(store.restore(copied)).isTrue();
        assertThat(store.find(copied.id())).contains(copied);
    }
}
