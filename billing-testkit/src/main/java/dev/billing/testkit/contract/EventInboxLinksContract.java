package dev.billing.testkit.contract;

import static dev.billing.testkit.Builders.aCustomerLink;
import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.billing.core.model.CustomerLink;
import dev.billing.core.model.audit.AuditCause;
import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.port.CustomerStore;
import dev.billing.core.port.EventInbox;
import dev.billing.testkit.fake.InMemoryCustomerStore;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The part of the {@link EventInbox} contract about events whose whole effect is a customer link
 * ({@link EventInbox#linkAndRecordProcessed}). {@link EventInboxContract} extends it, so each implementation still
 * subclasses one contract; it is apart only so that neither file does two jobs.
 */
public abstract class EventInboxLinksContract extends EventInboxAdministrationContract {
    /**
     * A customer store of the same store as {@link #inbox()}, for {@link EventInbox#linkAndRecordProcessed}: a store
     * that writes both in one statement is tested here with its own. By default an in-memory one, which the port's
     * default writes through.
     */
    protected CustomerStore customers() {
        return new InMemoryCustomerStore();
    }

    @Nested
    @DisplayName("linking and recording processed (events whose whole effect is a customer link)")
    class LinkingAndRecordingProcessed {

        private EventInbox.Processed done(StripeEvent event) {
            return new EventInbox.Processed(event, now, InboxStatus.PROCESSED, now.plusSeconds(1));
        }

        @Test
        @DisplayName("each link is written and each event recorded done")
        void linksAndRecords() {
            CustomerStore customers = customers();
            StripeEvent first = event();
            StripeEvent second = event();
            CustomerLink a = aCustomerLink(unique("user_"), unique("cus_"));
            CustomerLink b = aCustomerLink(unique("user_"), unique("cus_"));
            assertThat(inbox.linkAndRecordProcessed(
                            customers,
                            List.of(done(first), done(second)),
                            List.of(a, b),
                            List.of(AuditCause.event(first.id()), AuditCause.event(second.id()))))
                    .containsExactly(true, true);
            assertThat(customers.findByUserId(a.userId()).orElseThrow().customerId())
                    .isEqualTo(a.customerId());
            assertThat(customers.findByCustomerId(b.customerId()).orElseThrow().userId())
                    .isEqualTo(b.userId());
            for (StripeEvent event : List.of(first, second)) {
                InboxEntry stored = inbox.find(event.id()).orElseThrow();
                assertThat(stored.status()).isEqualTo(InboxStatus.PROCESSED);
                assertThat(stored.attempts()).isEqualTo(1);
                assertThat(stored.processedAt()).isEqualTo(now.plusSeconds(1));
            }
        }

        @Test
        @DisplayName("an id already present is not recorded again, and its link is written all the same")
        void aPresentIdIsNotOverwrittenButLinks() {
            CustomerStore customers = customers();
            StripeEvent event = event();
            inbox.record(event, now);
            InboxEntry before = inbox.find(event.id()).orElseThrow();
            CustomerLink link = aCustomerLink(unique("user_"), unique("cus_"));
            assertThat(inbox.linkAndRecordProcessed(
                            customers, List.of(done(event)), List.of(link), List.of(AuditCause.event(event.id()))))
                    .containsExactly(false);
            assertThat(inbox.find(event.id())).contains(before);
            assertThat(customers.findByUserId(link.userId())).isPresent();
        }

        @Test
        @DisplayName("two deliveries of one event, and two customers of one user, in one call: as one by one")
        void sharedIdsAreWrittenInOrder() {
            CustomerStore customers = customers();
            StripeEvent first = event();
            StripeEvent second = event();
            StripeEvent third = event();
            String user = unique("user_");
            CustomerLink a = aCustomerLink(user, unique("cus_"));
            CustomerLink b = aCustomerLink(unique("user_"), unique("cus_"));
            CustomerLink later = aCustomerLink(user, unique("cus_"));
            assertThat(inbox.linkAndRecordProcessed(
                            customers,
                            List.of(done(first), done(second), done(first), done(third)),
                            List.of(a, b, a, later),
                            List.of(
                                    AuditCause.event(first.id()),
                                    AuditCause.event(second.id()),
                                    AuditCause.event(first.id()),
                                    AuditCause.event(third.id()))))
                    .containsExactly(true, true, false, true);
            assertThat(customers.findByUserId(a.userId()).orElseThrow().customerId())
                    .isEqualTo(a.customerId());
            assertThat(customers.findByCustomerId(later.customerId())).isEmpty();
            assertThat(inbox.find(first.id()).orElseThrow().attempts()).isEqualTo(1);
        }

        @Test
        @DisplayName("a link and a cause for each event, else nothing is written")
        void oneLinkAndCausePerEvent() {
            CustomerStore customers = customers();
            StripeEvent event = event();
            CustomerLink link = aCustomerLink(unique("user_"), unique("cus_"));
            assertThatThrownBy(() ->
                            inbox.linkAndRecordProcessed(customers, List.of(done(event)), List.of(link), List.of()))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(inbox.find(event.id())).isEmpty();
            assertThat(customers.findByUserId(link.userId())).isEmpty();
        }
    }
}
