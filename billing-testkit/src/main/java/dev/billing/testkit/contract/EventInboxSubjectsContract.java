package dev.billing.testkit.contract;

import static dev.billing.testkit.Builders.T0;
import static dev.billing.testkit.Builders.anEvent;
import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.port.EventInbox;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * What every {@link EventInbox} guarantees about whom its entries are about ({@link StripeEvent#subjectId}): an
 * export finds an account's entries of both sources whatever their object ({@link EventInbox#about}), an erasure
 * redacts them and keeps nothing that names the person ({@link EventInbox#redact}, {@link EventInbox#redactEvent}),
 * and a copy keeps the subject ({@link EventInbox#restore}). {@link EventInboxContract} runs it as its nested group
 * {@code About} on the same inbox, so every store's contract test runs it.
 */
public abstract class EventInboxSubjectsContract {
    private static final Duration LEASE = Duration.ofSeconds(60);

    private EventInbox inbox;
    /** Each test works at its own instant so "due" rows of other tests never interfere. */
    private Instant now;

    protected abstract EventInbox inbox();

    @BeforeEach
    void setUpSubjects() {
        inbox = inbox();
        now = T0.plus(Duration.ofDays(3650 + (long) (Math.random() * 100_000)));
    }

    private InboxEntry claimed(StripeEvent event, String owner) {
        inbox.record(event, now);
        return inbox.claim(event.id(), owner, now, LEASE).orElseThrow();
    }

    @Test
    void findsTheEventsAboutGivenObjectsNewestReceivedFirstUpToAMaximum() {
        String customer = unique("cus_");
        String subscription = unique("sub_");
        StripeEvent created = anEvent()
                .forObject("customer", customer)
                .createdAt(now.minusSeconds(9))
                .build();
        StripeEvent updated = anEvent()
                .forObject("subscription", subscription)
                .createdAt(now.minusSeconds(8))
                .build();
        StripeEvent other = anEvent()
                .forObject("customer", unique("cus_"))
                .createdAt(now.minusSeconds(7))
                .build();
        inbox.record(created, now.minusSeconds(3));
        inbox.record(updated, now.minusSeconds(2));
        inbox.record(other, now.minusSeconds(1));

        assertThat(inbox.about(Set.of(customer, subscription), 10))
                .extracting(InboxEntry::eventId)
                .containsExactly(updated.id(), created.id());
        assertThat(inbox.about(Set.of(customer, subscription), 1))
                .extracting(InboxEntry::eventId)
                .containsExactly(updated.id());
        assertThat(inbox.about(Set.of(unique("cus_")), 10)).isEmpty();
        assertThat(inbox.about(Set.of(), 10)).isEmpty();
    }

    @Test
    void erasureRedactsThePayloadsAboutTheObjectsAndKeepsTheRest() {
        String customer = unique("cus_");
        StripeEvent mine = anEvent()
                .forObject("customer", customer)
                .createdAt(now.minusSeconds(9))
                .withPayload("{\"id\":\"x\",\"data\":{\"object\":{\"email\":\"ada@example.com\"}}}")
                .build();
        StripeEvent other = anEvent()
                .forObject("customer", unique("cus_"))
                .createdAt(now.minusSeconds(8))
                .build();
        StripeEvent later = anEvent()
                .forObject("invoice", unique("in_"))
                .createdAt(now.minusSeconds(7))
                .withPayload("{\"id\":\"y\",\"customer_email\":\"ada@example.com\"}")
                .build();
        inbox.record(mine, now);
        inbox.record(other, now);
        inbox.record(later, now);

        assertThat(inbox.redact(Set.of(customer))).isEqualTo(1);
        assertThat(inbox.redactEvent(later.id())).isTrue();

        for (StripeEvent redacted : List.of(mine, later)) {
            InboxEntry entry = inbox.find(redacted.id()).orElseThrow();
            assertThat(entry.event().payload()).doesNotContain("ada@example.com");
            assertThat(EventInbox.isRedacted(entry.event().payload())).isTrue();
            assertThat(entry.event().type()).isEqualTo(redacted.type());
            assertThat(entry.status()).isEqualTo(InboxStatus.PENDING);
        }
        assertThat(EventInbox.isRedacted(
                        inbox.find(other.id()).orElseThrow().event().payload()))
                .isFalse();
        assertThat(inbox.redact(Set.of(customer))).isZero();
        assertThat(inbox.redactEvent(later.id())).isFalse();
        assertThat(inbox.redactEvent(unique("evt_"))).isFalse();
    }

    @Test
    @DisplayName("finds an account's events by their subject whatever their object, both sources")
    void findsEveryEventAboutASubjectWhateverItsObject() {
        String customer = unique("cus_");
        String user = unique("user_");
        StripeEvent checkout = anEvent()
                .withType("checkout.session.completed")
                .forObject("checkout.session", unique("cs_"))
                .about(customer)
                .createdAt(now.minusSeconds(9))
                .build();
        StripeEvent payment = anEvent()
                .withType("payment_intent.succeeded")
                .forObject("payment_intent", unique("pi_"))
                .about(customer)
                .createdAt(now.minusSeconds(8))
                .build();
        StripeEvent membership = anEvent()
                .withType("clerk.organizationMembership.created")
                .forObject("organization_membership", unique("orgmem_"))
                .about(user)
                .createdAt(now.minusSeconds(7))
                .build();
        StripeEvent someoneElse = anEvent()
                .withType("payment_intent.succeeded")
                .forObject("payment_intent", unique("pi_"))
                .about(unique("cus_"))
                .createdAt(now.minusSeconds(6))
                .build();
        inbox.record(checkout, now.minusSeconds(4));
        inbox.recordLeased(payment, now.minusSeconds(3), "worker-1", LEASE);
        inbox.record(membership, now.minusSeconds(2));
        inbox.record(someoneElse, now.minusSeconds(1));

        assertThat(inbox.about(Set.of(customer, user), 10))
                .extracting(InboxEntry::eventId)
                .containsExactly(membership.id(), payment.id(), checkout.id());
        assertThat(inbox.find(checkout.id()).orElseThrow().event().subjectId()).isEqualTo(customer);
        assertThat(inbox.find(membership.id()).orElseThrow().event().subjectId())
                .isEqualTo(user);
    }

    @Test
    @DisplayName("a redacted entry keeps nothing that names the person: payload, subject, error, the subject as object")
    void redactionClearsWhatNamesThePerson() {
        String customer = unique("cus_");
        String user = unique("user_");
        StripeEvent customerEvent = anEvent()
                .withType("customer.updated")
                .forObject("customer", customer)
                .createdAt(now.minusSeconds(9))
                .build();
        StripeEvent checkout = anEvent()
                .withType("checkout.session.completed")
                .forObject("checkout.session", unique("cs_"))
                .about(customer)
                .createdAt(now.minusSeconds(8))
                .build();
        StripeEvent clerkUser = anEvent()
                .withType("clerk.user.updated")
                .forObject("user", user)
                .about(user)
                .createdAt(now.minusSeconds(7))
                .build();
        InboxEntry leased = claimed(customerEvent, "worker-1");
        assertThat(inbox.fail(customerEvent.id(), "worker-1", "store_unavailable: ada@example.com", null, now))
                .isTrue();
        inbox.record(checkout, now);
        inbox.record(clerkUser, now);
        assertThat(leased.event().subjectId()).isEqualTo(customer);

        assertThat(inbox.redact(Set.of(customer, user))).isEqualTo(3);

        InboxEntry parked = inbox.find(customerEvent.id()).orElseThrow();
        assertThat(parked.status()).isEqualTo(InboxStatus.FAILED);
        assertThat(parked.lastError()).isNull();
        assertThat(parked.event().objectId()).isNull();
        assertThat(parked.event().subjectId()).isNull();
        InboxEntry session = inbox.find(checkout.id()).orElseThrow();
        assertThat(session.event().objectId()).isEqualTo(checkout.objectId());
        assertThat(session.event().subjectId()).isNull();
        assertThat(EventInbox.isRedacted(session.event().payload())).isTrue();
        assertThat(inbox.find(clerkUser.id()).orElseThrow().event().objectId()).isNull();
        assertThat(inbox.about(Set.of(customer, user), 10)).isEmpty();
        assertThat(inbox.redact(Set.of(customer, user))).isZero();
    }

    @Test
    @DisplayName("restore keeps the subject, and a copy whose subject changed (an erasure since) replaces it")
    void restoreKeepsTheSubject() {
        String customer = unique("cus_");
        StripeEvent event = anEvent()
                .withType("charge.succeeded")
                .forObject("charge", unique("ch_"))
                .about(customer)
                .createdAt(now.minusSeconds(5))
                .build();
        InboxEntry original = new InboxEntry(
                event,
                InboxStatus.PROCESSED,
                1,
                null,
                now.minusSeconds(9),
                null,
                null,
                null,
                now.minusSeconds(8),
                null);
        assertThat(inbox.restore(original)).isTrue();
        assertThat(inbox.find(event.id()).orElseThrow().event().subjectId()).isEqualTo(customer);
        assertThat(inbox.about(Set.of(customer), 10))
                .extracting(InboxEntry::eventId)
                .containsExactly(event.id());

        InboxEntry erased = new InboxEntry(
                event.withSubject(null),
                InboxStatus.PROCESSED,
                1,
                null,
                now.minusSeconds(9),
                null,
                null,
                null,
                now.minusSeconds(8),
                null);
        assertThat(inbox.restore(erased)).isTrue();
        assertThat(inbox.find(event.id()).orElseThrow().event().subjectId()).isNull();
        assertThat(inbox.restore(erased)).isFalse();
    }
}
