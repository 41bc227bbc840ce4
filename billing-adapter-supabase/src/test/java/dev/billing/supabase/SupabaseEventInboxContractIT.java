package dev.billing.supabase;

import static dev.billing.testkit.Builders.T0;
import static dev.billing.testkit.Builders.anEvent;
import static dev.billing.testkit.Builders.unique;
import static org.assertj.core.api.Assertions.assertThat;

import dev.billing.core.model.event.InboxEntry;
import dev.billing.core.model.event.InboxStatus;
import dev.billing.core.model.event.StripeEvent;
import dev.billing.core.port.CustomerStore;
import dev.billing.core.port.EventInbox;
import dev.billing.testkit.contract.EventInboxContract;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link EventInboxContract} on real PostgREST over the billing SQL, and what {@code about} (billing_inbox_about, 007)
 * keeps beyond it: list's order of ties, and exact matching of any object id.
 */
class SupabaseEventInboxContractIT extends EventInboxContract {
    private static SupabaseProject project;

    @BeforeAll
    static void start() {
        project = SupabaseProject.start("sb_inbox");
    }

    @AfterAll
    static void stop() {
        project.close();
    }

    @Override
    protected EventInbox inbox() {
        return project.stores().inbox();
    }

    @Override
    protected CustomerStore customers() {
        return project.stores().customers();
    }

    @Nested
    @DisplayName("events about objects: ties and odd ids")
    class AboutBeyondTheContract {

        @Test
        @DisplayName("entries received at the same instant come in event id order, as list has them")
        void tiesComeInEventIdOrderAsInList() {
            String customer = unique("cus_");
            String subscription = unique("sub_");
            String tie = unique("evt_");
            InboxEntry oldest = restored(unique("evt_"), customer, T0);
            InboxEntry tieB = restored(tie + "b", subscription, T0.plusSeconds(1));
            InboxEntry tieA = restored(tie + "a", customer, T0.plusSeconds(1));
            InboxEntry newest = restored(unique("evt_"), subscription, T0.plusSeconds(2));
            restored(unique("evt_"), unique("cus_"), T0.plusSeconds(3));

            EventInbox inbox = project.stores().inbox();
            assertThat(inbox.about(Set.of(customer, subscription), 10)).containsExactly(newest, tieA, tieB, oldest);
            assertThat(inbox.about(Set.of(customer, subscription), 2)).containsExactly(newest, tieA);
            assertThat(inbox.about(Set.of(customer), 10)).containsExactly(tieA, oldest);
        }

        @Test
        @DisplayName("object ids are matched exactly, whatever characters they hold")
        void objectIdsAreMatchedExactly() {
            String base = unique("obj_");
            Set<String> odd = Set.of(
                    base + ",x",
                    base + "(x)",
                    base + "\"x\"",
                    base + "\\x",
                    " " + base + " ",
                    base + ".x",
                    base + "{x}");
            for (String id : odd) {
                restored(unique("evt_"), id, T0);
            }
            restored(unique("evt_"), base, T0);

            assertThat(project.stores().inbox().about(odd, 10))
                    .extracting(e -> e.event().objectId())
                    .containsExactlyInAnyOrderElementsOf(odd);
        }

        /** An entry processed long ago, so the contract's claims on this shared inbox never see it. */
        private InboxEntry restored(String eventId, String objectId, Instant receivedAt) {
            StripeEvent event = anEvent()
                    .withId(eventId)
                    .forObject("customer", objectId)
                    .withPayload("{\"id\":\"" + eventId + "\"}")
                    .createdAt(receivedAt)
                    .build();
            EventInbox inbox = project.stores().inbox();
            inbox.restore(new InboxEntry(
                    event, InboxStatus.PROCESSED, 1, null, receivedAt, null, null, null, receivedAt, null));
            return inbox.find(eventId).orElseThrow();
        }
    }
}
